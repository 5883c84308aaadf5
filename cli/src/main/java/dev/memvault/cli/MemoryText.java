package dev.memvault.cli;

import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** How memories read in a terminal. */
final class MemoryText {
  private static final int PREVIEW_CHARS = 72;

  private MemoryText() {}

  /** One line: id, scope, kind, then the text or snippet. */
  static String row(Memory memory, String text) {
    return String.format(
        "%s  %-12s %-12s %s",
        memory.getId(), memory.getScope(), MemoryJson.kindName(memory.getKind()), text);
  }

  static String preview(Memory memory) {
    String text =
        memory.getKind() == Kind.CONVERSATION && !memory.getConversation().getTitle().isEmpty()
            ? memory.getConversation().getTitle()
            : memory.getText();
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= PREVIEW_CHARS
        ? oneLine
        : oneLine.substring(0, PREVIEW_CHARS - 1) + "…";
  }

  static String time(com.google.protobuf.Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos())
        .truncatedTo(ChronoUnit.SECONDS)
        .toString();
  }

  /** The full view of one revision, as {@code show} prints it. */
  static String details(Memory memory) {
    StringBuilder out = new StringBuilder();
    out.append("id:        ").append(memory.getId()).append('\n');
    out.append("scope:     ").append(memory.getScope()).append('\n');
    out.append("kind:      ").append(MemoryJson.kindName(memory.getKind())).append('\n');
    if (memory.getTagsCount() > 0) {
      out.append("tags:      ").append(String.join(", ", memory.getTagsList())).append('\n');
    }
    memory.getAttributesMap().entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.append("attribute: ")
                    .append(e.getKey())
                    .append(" = ")
                    .append(e.getValue())
                    .append('\n'));
    String source = source(memory);
    if (!source.isEmpty()) {
      out.append("source:    ").append(source).append('\n');
    }
    out.append("created:   ").append(time(memory.getCreatedAt())).append('\n');
    out.append("updated:   ")
        .append(time(memory.getUpdatedAt()))
        .append("  (revision ")
        .append(memory.getRevision())
        .append(")\n");
    if (memory.hasConversation()) {
      out.append("title:     ").append(memory.getConversation().getTitle()).append('\n');
    }
    if (!memory.getText().isEmpty()) {
      out.append('\n').append(memory.getText()).append('\n');
    }
    return out.toString();
  }

  private static String source(Memory memory) {
    StringBuilder out = new StringBuilder(memory.getSource().getProvider());
    if (!memory.getSource().getModel().isEmpty()) {
      out.append(", model ").append(memory.getSource().getModel());
    }
    if (!memory.getSource().getApp().isEmpty()) {
      out.append(" (").append(memory.getSource().getApp()).append(')');
    }
    return out.toString().strip();
  }
}
