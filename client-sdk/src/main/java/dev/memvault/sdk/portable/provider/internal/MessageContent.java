package dev.memvault.sdk.portable.provider.internal;

import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.portable.provider.SkippedPart;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one provider message says, before it is placed in its conversation.
 *
 * @param externalId the provider's message id
 * @param author a display name from the provider (a tool name), or ""
 * @param model the model that wrote it, or ""
 * @param createdAt the provider's time, or null when the export has none
 * @param dropped parts of the provider's message that left nothing to keep (a block of a type the
 *     importer does not know, without text)
 */
public record MessageContent(
    String externalId,
    Role role,
    String author,
    List<Part> parts,
    String model,
    Instant createdAt,
    List<SkippedPart> dropped) {

  public MessageContent {
    parts = List.copyOf(parts);
    dropped = List.copyOf(dropped);
  }

  /** A message of which every part was kept. */
  public MessageContent(
      String externalId,
      Role role,
      String author,
      List<Part> parts,
      String model,
      Instant createdAt) {
    this(externalId, role, author, parts, model, createdAt, List.of());
  }

  /** The visible text: the {@code TEXT} parts joined by line breaks. */
  public String visibleText() {
    return parts.stream()
        .filter(part -> part.getType() == PartType.TEXT)
        .map(Part::getText)
        .collect(Collectors.joining("\n"));
  }
}
