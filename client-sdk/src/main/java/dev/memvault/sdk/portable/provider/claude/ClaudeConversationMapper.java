package dev.memvault.sdk.portable.provider.claude;

import static dev.memvault.sdk.portable.provider.internal.JsonFields.array;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.isoTime;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.size;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.string;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.stringOrEmpty;

import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.portable.provider.SkippedPart;
import dev.memvault.sdk.portable.provider.internal.ConversationMapper;
import dev.memvault.sdk.portable.provider.internal.ConversationProblem;
import dev.memvault.sdk.portable.provider.internal.ImportedConversation;
import dev.memvault.sdk.portable.provider.internal.ImportedMessage;
import dev.memvault.sdk.portable.provider.internal.JsonFields;
import dev.memvault.sdk.portable.provider.internal.MessageContent;
import dev.memvault.sdk.portable.provider.internal.Titles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Maps a conversation of Claude's {@code conversations.json}: a flat list ({@code chat_messages})
 * that is the visible thread in order. Content blocks keep their types: only {@code text} blocks
 * make the visible text; {@code thinking}, {@code tool_use} and {@code tool_result} become parts of
 * their own; attachments keep their extracted content.
 */
public final class ClaudeConversationMapper implements ConversationMapper {
  @Override
  public String idOf(JsonNode conversation) {
    return stringOrEmpty(conversation, "uuid", "");
  }

  @Override
  public Optional<String> otherProvider(JsonNode conversation) {
    if (conversation.isObject()
        && !conversation.has("chat_messages")
        && conversation.has("mapping")) {
      return Optional.of(
          "it looks like a ChatGPT export; import it with 'memvault import chatgpt'");
    }
    return ConversationMapper.takeoutActivity(conversation);
  }

  @Override
  public ImportedConversation map(JsonNode conversation) {
    String id = idOf(conversation);
    if (id.isEmpty()) {
      throw new ConversationProblem("has no 'uuid'");
    }
    JsonNode chat = array(conversation, "chat_messages", "");
    if (chat == null) {
      throw new ConversationProblem("has no 'chat_messages'");
    }
    List<ImportedMessage> messages = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String previous = null;
    int index = 0;
    for (JsonNode message : chat) {
      String path = "chat_messages[" + index++ + "]";
      if (!message.isObject()) {
        throw new ConversationProblem(path + " is not an object");
      }
      MessageContent content = content(message, path);
      if (content == null) {
        continue;
      }
      if (!seen.add(content.externalId())) {
        throw new ConversationProblem(
            path + ".uuid '" + content.externalId() + "' appears twice in the conversation");
      }
      messages.add(new ImportedMessage(content, messages.size(), previous, null, null));
      previous = content.externalId();
    }
    return new ImportedConversation(
        id,
        Titles.orDerived(string(conversation, "name", ""), messages),
        stringOrEmpty(conversation, "summary", "").strip(),
        stringOrEmpty(conversation, "model", ""),
        isoTime(conversation, "created_at", ""),
        isoTime(conversation, "updated_at", ""),
        messages,
        List.of());
  }

  /** Null for a message with nothing in it. */
  private static MessageContent content(JsonNode message, String path) {
    String id = string(message, "uuid", path);
    if (id == null || id.isEmpty()) {
      throw new ConversationProblem(path + " has no 'uuid'");
    }
    List<Part> parts = new ArrayList<>();
    List<SkippedPart> dropped = new ArrayList<>();
    JsonNode blocks = array(message, "content", path);
    if (blocks != null) {
      int index = 0;
      for (JsonNode block : blocks) {
        String at = path + ".content[" + index++ + "]";
        if (!block.isObject()) {
          throw new ConversationProblem(at + " is not an object");
        }
        Optional<Part> part = block(block, at);
        if (part.isPresent()) {
          parts.add(part.get());
        } else if (!KNOWN_BLOCKS.contains(stringOrEmpty(block, "type", at))) {
          dropped.add(droppedKind(stringOrEmpty(block, "type", at)));
        }
      }
    }
    boolean hasText = parts.stream().anyMatch(part -> part.getType() == PartType.TEXT);
    String text = stringOrEmpty(message, "text", path);
    if (!hasText && !text.isBlank()) {
      // Older exports, and messages whose blocks were not kept, have only the flat text.
      parts.add(0, Part.newBuilder().setType(PartType.TEXT).setText(text).build());
    }
    JsonNode attachments = array(message, "attachments", path);
    if (attachments != null) {
      int index = 0;
      for (JsonNode attachment : attachments) {
        String at = path + ".attachments[" + index++ + "]";
        if (!attachment.isObject()) {
          throw new ConversationProblem(at + " is not an object");
        }
        parts.add(
            Part.newBuilder()
                .setType(PartType.ATTACHMENT)
                .setFileName(stringOrEmpty(attachment, "file_name", at))
                .setMediaType(stringOrEmpty(attachment, "file_type", at))
                .setSizeBytes(size(attachment, "file_size", at))
                .setText(stringOrEmpty(attachment, "extracted_content", at))
                .build());
      }
    }
    JsonNode files = array(message, "files", path);
    if (files != null) {
      int index = 0;
      for (JsonNode file : files) {
        String at = path + ".files[" + index++ + "]";
        if (!file.isObject()) {
          throw new ConversationProblem(at + " is not an object");
        }
        String name = stringOrEmpty(file, "file_name", at);
        if (name.isEmpty()) {
          name = stringOrEmpty(file, "file_uuid", at);
        }
        if (!name.isEmpty()) {
          parts.add(Part.newBuilder().setType(PartType.ASSET).setFileName(name).build());
        }
      }
    }
    if (parts.isEmpty()) {
      return null;
    }
    return new MessageContent(
        id,
        role(string(message, "sender", path)),
        "",
        parts,
        "",
        isoTime(message, "created_at", path),
        dropped);
  }

  private static final Set<String> KNOWN_BLOCKS =
      Set.of("text", "thinking", "tool_use", "tool_result");

  /** What a block of a type this importer does not know, left without text, was. */
  private static SkippedPart droppedKind(String type) {
    if (type.equals("image")) {
      return SkippedPart.IMAGE;
    }
    if (type.equals("audio") || type.equals("voice_note")) {
      return SkippedPart.AUDIO;
    }
    if (type.equals("document") || type.equals("file")) {
      return SkippedPart.FILE;
    }
    return SkippedPart.UNKNOWN;
  }

  private static Optional<Part> block(JsonNode block, String path) {
    String type = stringOrEmpty(block, "type", path);
    Part.Builder part = Part.newBuilder();
    switch (type) {
      case "text":
        part.setType(PartType.TEXT).setText(stringOrEmpty(block, "text", path));
        break;
      case "thinking":
        part.setType(PartType.THINKING).setText(stringOrEmpty(block, "thinking", path));
        break;
      case "tool_use":
        JsonNode input = block.get("input");
        return Optional.of(
            part.setType(PartType.TOOL_USE)
                .setName(stringOrEmpty(block, "name", path))
                .setInputJson(JsonFields.absent(input) ? "{}" : input.toString())
                .build());
      case "tool_result":
        return Optional.of(
            part.setType(PartType.TOOL_RESULT)
                .setName(stringOrEmpty(block, "name", path))
                .setText(resultText(block.get("content"), path + ".content"))
                .build());
      default:
        // A block type this importer does not know (an image, a voice note): keep its text.
        part.setType(PartType.TEXT).setText(stringOrEmpty(block, "text", path));
        break;
    }
    return part.getText().isBlank() ? Optional.empty() : Optional.of(part.build());
  }

  /** A tool result's content: a string, or a list of blocks whose text blocks are joined. */
  private static String resultText(JsonNode content, String path) {
    if (JsonFields.absent(content)) {
      return "";
    }
    if (content.isString()) {
      return content.stringValue();
    }
    if (!content.isArray()) {
      throw new ConversationProblem(path + " is neither text nor a list of blocks");
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode block : content) {
      if (block.isObject() && "text".equals(block.path("type").asString(""))) {
        String piece = block.path("text").asString("");
        if (!piece.isEmpty()) {
          text.append(text.length() == 0 ? "" : "\n").append(piece);
        }
      }
    }
    return text.toString();
  }

  private static Role role(String sender) {
    if ("human".equals(sender)) {
      return Role.USER;
    }
    if ("assistant".equals(sender)) {
      return Role.ASSISTANT;
    }
    return Role.ROLE_UNSPECIFIED;
  }
}
