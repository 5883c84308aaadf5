package dev.memvault.sdk.portable.markdown;

import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code memories.md}: every memory that is not a conversation, grouped by scope (by name) and kind
 * (instructions, preferences, facts, notes), oldest first, each with its tags, dates and source;
 * then, per scope, links to the conversation pages.
 */
final class MemoriesPage {
  private static final List<Kind> ORDER =
      List.of(Kind.INSTRUCTION, Kind.PREFERENCE, Kind.FACT, Kind.NOTE);
  private static final Map<Kind, String> HEADINGS =
      Map.of(
          Kind.INSTRUCTION, "Instructions",
          Kind.PREFERENCE, "Preferences",
          Kind.FACT, "Facts",
          Kind.NOTE, "Notes");

  /** A conversation page and what the index says about it. */
  record Linked(Memory conversation, String fileName, int messages) {}

  private MemoriesPage() {}

  static String render(List<Memory> memories, List<Linked> conversations, Instant exportedAt) {
    Map<String, List<Memory>> byScope = new TreeMap<>();
    for (Memory memory : memories) {
      byScope.computeIfAbsent(memory.getScope(), s -> new ArrayList<>()).add(memory);
    }
    Map<String, List<Linked>> linksByScope = new TreeMap<>();
    for (Linked linked : conversations) {
      linksByScope
          .computeIfAbsent(linked.conversation().getScope(), s -> new ArrayList<>())
          .add(linked);
      byScope.computeIfAbsent(linked.conversation().getScope(), s -> new ArrayList<>());
    }

    StringBuilder page = new StringBuilder("# Memories\n\n");
    page.append("Exported from memvault on ")
        .append(exportedAt.atOffset(ZoneOffset.UTC).toLocalDate())
        .append(": ")
        .append(count(memories.size(), "memory", "memories"))
        .append(" and ")
        .append(count(conversations.size(), "conversation", "conversations"))
        .append(" in ")
        .append(count(byScope.size(), "scope", "scopes"))
        .append(".\n");
    for (Map.Entry<String, List<Memory>> scope : byScope.entrySet()) {
      page.append("\n## Scope: ").append(scope.getKey()).append('\n');
      List<Memory> inScope = new ArrayList<>(scope.getValue());
      inScope.sort(
          Comparator.comparing((Memory m) -> MarkdownText.instant(m.getCreatedAt()))
              .thenComparing(Memory::getId));
      for (Kind kind : ORDER) {
        section(
            page, HEADINGS.get(kind), inScope.stream().filter(m -> m.getKind() == kind).toList());
      }
      section(page, "Other", inScope.stream().filter(m -> !ORDER.contains(m.getKind())).toList());
      List<Linked> links = linksByScope.getOrDefault(scope.getKey(), List.of());
      if (!links.isEmpty()) {
        page.append("\n### Conversations\n\n");
        for (Linked linked : links) {
          Memory conversation = linked.conversation();
          String title = conversation.getConversation().getTitle().replaceAll("\\s+", " ").strip();
          page.append("- [")
              .append(title.isEmpty() ? "Untitled conversation" : title.replace("]", "\\]"))
              .append("](")
              .append(linked.fileName())
              .append(") — ")
              .append(MarkdownText.date(conversation.getCreatedAt()))
              .append(", ")
              .append(MarkdownText.source(conversation.getSource()))
              .append(", ")
              .append(count(linked.messages(), "message", "messages"))
              .append('\n');
        }
      }
    }
    return page.toString();
  }

  private static void section(StringBuilder page, String heading, List<Memory> memories) {
    if (memories.isEmpty()) {
      return;
    }
    page.append("\n### ").append(heading).append("\n\n");
    for (Memory memory : memories) {
      page.append("- ").append(MarkdownText.continued(memory.getText(), "  ")).append('\n');
      List<String> facts = new ArrayList<>();
      if (memory.getTagsCount() > 0) {
        facts.add("tags: " + String.join(", ", memory.getTagsList()));
      }
      facts.add("created " + MarkdownText.date(memory.getCreatedAt()));
      if (memory.getRevision() > 1) {
        facts.add("updated " + MarkdownText.date(memory.getUpdatedAt()));
      }
      facts.add("from " + MarkdownText.source(memory.getSource()));
      page.append("  (").append(String.join(" · ", facts)).append(")\n");
    }
  }

  private static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
