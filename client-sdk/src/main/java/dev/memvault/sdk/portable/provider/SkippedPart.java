package dev.memvault.sdk.portable.provider;

import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import java.util.Optional;

/**
 * A kind of message part whose content an import could not keep as text: the vault holds only its
 * name or pointer (an {@code ASSET}, an {@code ATTACHMENT} without extracted text), or nothing (a
 * part of a type the importer does not know, without text).
 */
public enum SkippedPart {
  IMAGE("image", "images"),
  AUDIO("audio file", "audio files"),
  VIDEO("video", "videos"),
  FILE("file", "files"),
  UNKNOWN("part of an unknown type", "parts of unknown types");

  private final String one;
  private final String many;

  SkippedPart(String one, String many) {
    this.one = one;
    this.many = many;
  }

  /** "1 image", "3 images". */
  public String count(int n) {
    return n + " " + (n == 1 ? one : many);
  }

  /** What a written part skipped, if anything: an asset, or an attachment without its text. */
  public static Optional<SkippedPart> of(Part part) {
    boolean bytesOnly =
        part.getType() == PartType.ASSET
            || (part.getType() == PartType.ATTACHMENT && part.getText().isBlank());
    return bytesOnly ? Optional.of(byMediaType(part.getMediaType())) : Optional.empty();
  }

  /** The kind a media type (or range, {@code image/*}) names; {@link #FILE} when it says none. */
  public static SkippedPart byMediaType(String mediaType) {
    if (mediaType.startsWith("image/")) {
      return IMAGE;
    }
    if (mediaType.startsWith("audio/")) {
      return AUDIO;
    }
    if (mediaType.startsWith("video/")) {
      return VIDEO;
    }
    return FILE;
  }
}
