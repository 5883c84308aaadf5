package dev.memvault.sdk.portable.pam;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The integrity checksum of a store's memories (spec section 15.2: the SHA-256 of the RFC 8785 form
 * of the memories array sorted by id), computed from where each memory lies in the file: the heap
 * holds an id and a place per memory, and one memory at a time, whatever the store's size. Nothing
 * is copied out of the file, so no plaintext lands in a scratch file.
 */
final class MemoryPlaces {
  private record Place(String id, long offset, int length) {}

  private final List<Place> places = new ArrayList<>();

  /** Records memory {@code id}, whose JSON object is {@code length} bytes at {@code offset}. */
  void add(String id, long offset, long length) {
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a memory object of " + length + " bytes");
    }
    places.add(new Place(id, offset, (int) length));
  }

  /**
   * {@code sha256:} and the hex SHA-256 of the canonical array of the memories recorded, read back
   * from {@code file}.
   *
   * @throws IOException if the file cannot be read, or no longer holds those memories there
   */
  String checksum(Path file) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
    List<Place> sorted = new ArrayList<>(places);
    sorted.sort(Comparator.comparing(Place::id));
    sha256.update((byte) '[');
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int i = 0; i < sorted.size(); i++) {
        Place place = sorted.get(i);
        ByteBuffer buffer = ByteBuffer.allocate(place.length());
        while (buffer.hasRemaining()) {
          if (channel.read(buffer, place.offset() + buffer.position()) < 0) {
            throw new IOException("the file changed while it was read");
          }
        }
        JsonNode memory = PamFormat.MAPPER.readTree(buffer.array());
        if (!place.id().equals(PamStore.text(memory, "id"))) {
          throw new IOException("the file changed while it was read");
        }
        if (i > 0) {
          sha256.update((byte) ',');
        }
        sha256.update(Jcs.canonicalBytes(memory));
      }
    }
    sha256.update((byte) ']');
    return "sha256:" + HexFormat.of().formatHex(sha256.digest());
  }
}
