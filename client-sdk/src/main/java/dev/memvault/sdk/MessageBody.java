package dev.memvault.sdk;

import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Part;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as a person reads it: its visible text, then every other part it holds, each marked
 * with its type (code fenced with its language, thinking, a tool's use and result, an attachment
 * with its extracted text, an asset, a citation).
 */
public final class MessageBody {
  private MessageBody() {}

  /** The readable body of a message; "(no text)" when it holds nothing to read. */
  public static String of(Memory message) {
    List<String> blocks = new ArrayList<>();
    if (!message.getText().isBlank()) {
      blocks.add(message.getText());
    }
    for (Part part : message.getMessage().getPartsList()) {
      String block = block(part);
      if (!block.isEmpty()) {
        blocks.add(block);
      }
    }
    return blocks.isEmpty() ? "(no text)" : String.join("\n", blocks);
  }

  private static String block(Part part) {
    return switch (part.getType()) {
      case TEXT, PART_TYPE_UNSPECIFIED, UNRECOGNIZED -> "";
      case CODE -> "```" + part.getName() + "\n" + part.getText() + "\n```";
      case THINKING -> labelled("thinking", part.getText());
      case TOOL_USE -> labelled(named("tool use", part.getName()), part.getInputJson());
      case TOOL_RESULT -> labelled(named("tool result", part.getName()), part.getText());
      case ATTACHMENT -> labelled(named("attachment", part.getFileName()), part.getText());
      case ASSET -> labelled(named("asset", part.getFileName()), "");
      case CITATION -> labelled(named("citation", part.getUrl()), part.getText());
    };
  }

  private static String named(String type, String name) {
    return name.isBlank() ? type : type + " " + name;
  }

  private static String labelled(String label, String text) {
    return text.isBlank() ? "(" + label + ")" : "(" + label + ") " + text;
  }
}
