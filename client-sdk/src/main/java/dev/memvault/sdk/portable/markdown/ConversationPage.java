package dev.memvault.sdk.portable.markdown;

import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One conversation as a Markdown page: the title as heading, its date, source, scope and tags, then
 * the visible thread in order, one heading per message naming who spoke, and at the end any
 * alternate branches the provider kept. Thinking, tool calls and tool results are collapsible
 * blocks; attachments and assets are shown by name.
 */
final class ConversationPage {
  private ConversationPage() {}

  static String render(Memory conversation, List<Memory> messages) {
    StringBuilder page = new StringBuilder();
    String title = conversation.getConversation().getTitle().strip();
    page.append("# ")
        .append(title.isEmpty() ? "Untitled conversation" : oneLine(title))
        .append("\n\n");
    page.append("- Date: ").append(MarkdownText.dateTime(conversation.getCreatedAt())).append('\n');
    page.append("- Source: ").append(MarkdownText.source(conversation.getSource())).append('\n');
    page.append("- Scope: ").append(conversation.getScope()).append('\n');
    if (conversation.getTagsCount() > 0) {
      page.append("- Tags: ").append(String.join(", ", conversation.getTagsList())).append('\n');
    }
    page.append("- Messages: ").append(messages.size()).append('\n');
    page.append("- Id: `").append(conversation.getId()).append("`\n");
    if (!conversation.getText().isBlank()) {
      page.append('\n').append(MarkdownText.quoted(conversation.getText()));
    }

    List<Memory> thread = new ArrayList<>();
    Map<String, List<Memory>> branches = new LinkedHashMap<>();
    for (Memory message : messages) {
      String branch = message.getMessage().getBranch();
      if (branch.isEmpty()) {
        thread.add(message);
      } else {
        branches.computeIfAbsent(branch, b -> new ArrayList<>()).add(message);
      }
    }
    Comparator<Memory> byPosition = Comparator.comparingInt(m -> m.getMessage().getPosition());
    thread.sort(byPosition);
    for (Memory message : thread) {
      page.append('\n').append(message(message));
    }
    int number = 1;
    for (List<Memory> branch : branches.values()) {
      branch.sort(byPosition);
      page.append("\n---\n\n")
          .append("*Alternate branch ")
          .append(number++)
          .append(": an edit or regeneration kept by the provider, from message ")
          .append(branch.get(0).getMessage().getPosition() + 1)
          .append(".*\n");
      for (Memory message : branch) {
        page.append('\n').append(message(message));
      }
    }
    return page.toString();
  }

  private static String message(Memory memory) {
    Message message = memory.getMessage();
    StringBuilder block = new StringBuilder("## ").append(role(message.getRole()));
    if (!message.getAuthor().isEmpty()) {
      block.append(": ").append(oneLine(message.getAuthor()));
    }
    if (!memory.getSource().getModel().isEmpty()) {
      block.append(" (").append(oneLine(memory.getSource().getModel())).append(')');
    }
    block.append("\n\n");
    if (message.getPartsCount() == 0) {
      block.append(memory.getText().strip()).append('\n');
      return block.toString();
    }
    List<String> parts = new ArrayList<>();
    for (Part part : message.getPartsList()) {
      parts.add(part(part));
    }
    block.append(String.join("\n", parts));
    return block.toString();
  }

  private static String part(Part part) {
    switch (part.getType()) {
      case TEXT:
        return part.getText().strip() + "\n";
      case THINKING:
        return MarkdownText.details("Thinking", part.getText().strip());
      case CODE:
        return MarkdownText.fenced(part.getName(), part.getText());
      case TOOL_USE:
        return MarkdownText.details(
            "Tool call: " + named(part.getName()),
            MarkdownText.fenced("json", part.getInputJson()));
      case TOOL_RESULT:
        return MarkdownText.details(
            "Tool result: " + named(part.getName()), MarkdownText.fenced("", part.getText()));
      case ATTACHMENT:
        String attachment =
            MarkdownText.quoted("Attachment: **" + named(part.getFileName()) + "**" + about(part));
        return part.getText().isBlank()
            ? attachment
            : attachment
                + "\n"
                + MarkdownText.details(
                    "Content of " + named(part.getFileName()),
                    MarkdownText.fenced("", part.getText()));
      case ASSET:
        return MarkdownText.quoted(
            "Asset (not in the export): " + named(part.getFileName()) + about(part));
      case CITATION:
        String cited = part.getName().isBlank() ? "" : part.getName().strip() + " ";
        return MarkdownText.quoted(
            "Cited: "
                + cited
                + "<"
                + part.getUrl()
                + ">"
                + (part.getText().isBlank() ? "" : "\n" + part.getText().strip()));
      default:
        return MarkdownText.quoted("(a part of a type this version of memvault cannot show)");
    }
  }

  private static String about(Part part) {
    List<String> facts = new ArrayList<>();
    if (!part.getMediaType().isEmpty()) {
      facts.add(part.getMediaType());
    }
    if (part.getSizeBytes() > 0) {
      facts.add(MarkdownText.size(part.getSizeBytes()));
    }
    return facts.isEmpty() ? "" : " (" + String.join(", ", facts) + ")";
  }

  private static String named(String name) {
    return name.isEmpty() ? "unnamed" : oneLine(name);
  }

  private static String role(Role role) {
    switch (role) {
      case USER:
        return "User";
      case ASSISTANT:
        return "Assistant";
      case SYSTEM:
        return "System";
      case TOOL:
        return "Tool";
      default:
        return "Unknown speaker";
    }
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }
}
