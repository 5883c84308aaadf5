package dev.memvault.sdk.portable.provider.chatgpt;

import static dev.memvault.sdk.portable.provider.internal.JsonFields.array;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.epochSeconds;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.flag;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.object;
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
import dev.memvault.sdk.portable.provider.internal.ImportedInstruction;
import dev.memvault.sdk.portable.provider.internal.ImportedMessage;
import dev.memvault.sdk.portable.provider.internal.MessageContent;
import dev.memvault.sdk.portable.provider.internal.ThreadLayout;
import dev.memvault.sdk.portable.provider.internal.Titles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps a conversation of ChatGPT's {@code conversations.json}: a tree of nodes ({@code mapping})
 * whose visible thread is the path from the root to {@code current_node}. The other branches
 * (edited prompts, regenerated answers) become alternates; hidden messages are left out, and the
 * custom instructions they carry become instructions.
 */
public final class ChatGptConversationMapper implements ConversationMapper {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> INSTRUCTION_FIELDS =
      List.of("about_user_message", "about_model_message");

  /** Asset pointers whose content type says what they point to, and the media range it names. */
  private static final Map<String, String> ASSET_KINDS =
      Map.of(
          "image_asset_pointer", "image/*",
          "audio_asset_pointer", "audio/*",
          "video_container_asset_pointer", "video/*");

  /** A node of {@code mapping}. */
  private record Node(String id, String parent, JsonNode message) {}

  @Override
  public String idOf(JsonNode conversation) {
    String id = string(conversation, "id", "");
    if (id == null) {
      id = string(conversation, "conversation_id", "");
    }
    return id == null ? "" : id;
  }

  @Override
  public Optional<String> otherProvider(JsonNode conversation) {
    if (conversation.isObject()
        && !conversation.has("mapping")
        && conversation.has("chat_messages")) {
      return Optional.of("it looks like a Claude export; import it with 'memvault import claude'");
    }
    return ConversationMapper.takeoutActivity(conversation);
  }

  @Override
  public ImportedConversation map(JsonNode conversation) {
    String id = idOf(conversation);
    if (id.isEmpty()) {
      throw new ConversationProblem("has no id (neither 'id' nor 'conversation_id')");
    }
    Instant created = epochSeconds(conversation, "create_time", "");
    Instant updated = epochSeconds(conversation, "update_time", "");
    JsonNode mapping = object(conversation, "mapping", "");
    if (mapping == null) {
      throw new ConversationProblem("has no 'mapping' (its message tree)");
    }
    Map<String, Node> nodes = nodes(mapping);
    Map<String, List<String>> children = new HashMap<>();
    List<String> roots = new ArrayList<>();
    for (Node node : nodes.values()) {
      if (node.parent() == null) {
        roots.add(node.id());
      } else if (!nodes.containsKey(node.parent())) {
        throw new ConversationProblem(
            "mapping."
                + node.id()
                + ".parent names '"
                + node.parent()
                + "', which is not in mapping");
      } else {
        children.computeIfAbsent(node.parent(), k -> new ArrayList<>()).add(node.id());
      }
    }
    if (roots.isEmpty() && !nodes.isEmpty()) {
      throw new ConversationProblem("mapping has no root node: every node has a parent");
    }
    List<String> path = visiblePath(conversation, nodes, roots, children);

    List<ImportedMessage> messages =
        ThreadLayout.of(path, roots, children, nodeId -> content(nodes.get(nodeId)));

    List<ImportedInstruction> instructions = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Node node : nodes.values()) {
      for (ImportedInstruction instruction : instructions(node, created)) {
        if (seen.add(instruction.externalId())) {
          instructions.add(instruction);
        }
      }
    }
    String title = string(conversation, "title", "");
    return new ImportedConversation(
        id,
        Titles.orDerived(title, messages),
        "",
        stringOrEmpty(conversation, "default_model_slug", ""),
        created,
        updated,
        messages,
        instructions);
  }

  private static Map<String, Node> nodes(JsonNode mapping) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : mapping.properties()) {
      String path = "mapping." + entry.getKey();
      JsonNode node = entry.getValue();
      if (!node.isObject()) {
        throw new ConversationProblem(path + " is not an object");
      }
      nodes.put(
          entry.getKey(),
          new Node(entry.getKey(), string(node, "parent", path), object(node, "message", path)));
    }
    return nodes;
  }

  /** Node ids from the root to {@code current_node}. */
  private static List<String> visiblePath(
      JsonNode conversation,
      Map<String, Node> nodes,
      List<String> roots,
      Map<String, List<String>> children) {
    String current = string(conversation, "current_node", "");
    if (current != null && !nodes.containsKey(current)) {
      throw new ConversationProblem("current_node '" + current + "' is not in mapping");
    }
    if (current == null) {
      if (roots.isEmpty()) {
        return List.of();
      }
      // No current_node (some older exports): the newest branch, the last child at every fork.
      current = roots.get(0);
      List<String> below = children.get(current);
      while (below != null && !below.isEmpty()) {
        current = below.get(below.size() - 1);
        below = children.get(current);
      }
    }
    List<String> path = new ArrayList<>();
    for (String at = current; at != null; at = nodes.get(at).parent()) {
      if (path.size() > nodes.size()) {
        throw new ConversationProblem("mapping has a cycle: node '" + at + "' is its own ancestor");
      }
      path.add(at);
    }
    Collections.reverse(path);
    return path;
  }

  /** Null for a node without a message, a hidden message, or one with nothing in it. */
  private MessageContent content(Node node) {
    JsonNode message = node.message();
    if (message == null) {
      return null;
    }
    String path = "mapping." + node.id() + ".message";
    JsonNode metadata = object(message, "metadata", path);
    if (metadata != null
        && flag(metadata, "is_visually_hidden_from_conversation", path + ".metadata")) {
      return null;
    }
    JsonNode author = object(message, "author", path);
    String roleName = author == null ? null : string(author, "role", path + ".author");
    String authorName = author == null ? "" : stringOrEmpty(author, "name", path + ".author");
    Role role = role(roleName);
    List<SkippedPart> dropped = new ArrayList<>();
    List<Part> parts = parts(message, role, authorName, path, dropped);
    if (parts.isEmpty()) {
      return null;
    }
    String id = string(message, "id", path);
    return new MessageContent(
        id == null || id.isEmpty() ? node.id() : id,
        role,
        authorName,
        parts,
        metadata == null ? "" : stringOrEmpty(metadata, "model_slug", path + ".metadata"),
        epochSeconds(message, "create_time", path),
        dropped);
  }

  private static Role role(String name) {
    if (name == null) {
      return Role.ROLE_UNSPECIFIED;
    }
    switch (name) {
      case "user":
        return Role.USER;
      case "assistant":
        return Role.ASSISTANT;
      case "system":
        return Role.SYSTEM;
      case "tool":
        return Role.TOOL;
      default:
        return Role.ROLE_UNSPECIFIED;
    }
  }

  private static List<Part> parts(
      JsonNode message, Role role, String author, String path, List<SkippedPart> dropped) {
    JsonNode content = object(message, "content", path);
    List<Part> parts = new ArrayList<>();
    if (content == null) {
      return parts;
    }
    String at = path + ".content";
    String type = stringOrEmpty(content, "content_type", at);
    switch (type) {
      case "code":
        addIfText(
            parts,
            Part.newBuilder()
                .setType(PartType.CODE)
                .setName(stringOrEmpty(content, "language", at))
                .setText(stringOrEmpty(content, "text", at)));
        return parts;
      case "execution_output":
        addIfText(
            parts,
            Part.newBuilder()
                .setType(PartType.TOOL_RESULT)
                .setName(author)
                .setText(stringOrEmpty(content, "text", at)));
        return parts;
      case "tether_browsing_display":
        addIfText(
            parts,
            Part.newBuilder()
                .setType(PartType.TOOL_RESULT)
                .setName(author)
                .setText(stringOrEmpty(content, "result", at)));
        return parts;
      case "tether_quote":
        addIfText(
            parts,
            Part.newBuilder()
                .setType(PartType.TOOL_RESULT)
                .setName(author)
                .setText(
                    joinNonBlank(
                        stringOrEmpty(content, "title", at),
                        stringOrEmpty(content, "url", at),
                        stringOrEmpty(content, "text", at))));
        return parts;
      case "system_error":
        addIfText(
            parts,
            Part.newBuilder()
                .setType(PartType.TOOL_RESULT)
                .setName(stringOrEmpty(content, "name", at))
                .setText(stringOrEmpty(content, "text", at)));
        return parts;
      case "reasoning_recap":
        addIfText(
            parts,
            Part.newBuilder()
                .setType(PartType.THINKING)
                .setText(stringOrEmpty(content, "content", at)));
        return parts;
      case "thoughts":
        JsonNode thoughts = array(content, "thoughts", at);
        if (thoughts != null) {
          for (JsonNode thought : thoughts) {
            if (thought.isObject()) {
              addIfText(
                  parts,
                  Part.newBuilder()
                      .setType(PartType.THINKING)
                      .setText(
                          joinNonBlank(
                              stringOrEmpty(thought, "summary", at + ".thoughts"),
                              stringOrEmpty(thought, "content", at + ".thoughts"))));
            }
          }
        }
        return parts;
      default:
        break;
    }
    JsonNode items = array(content, "parts", at);
    if (items == null) {
      // A content type this importer does not know: keep its text, if it has one.
      addIfText(
          parts,
          Part.newBuilder().setType(PartType.TEXT).setText(stringOrEmpty(content, "text", at)));
      if (parts.isEmpty()) {
        dropped.add(SkippedPart.UNKNOWN);
      }
      return parts;
    }
    String recipient = stringOrEmpty(message, "recipient", path);
    if (role == Role.ASSISTANT && !recipient.isEmpty() && !recipient.equals("all")) {
      // An assistant message addressed to a tool is the call, not something the person reads.
      StringBuilder input = new StringBuilder();
      for (JsonNode item : items) {
        if (item.isString()) {
          input.append(item.stringValue());
        }
      }
      if (!input.toString().isBlank()) {
        parts.add(
            Part.newBuilder()
                .setType(PartType.TOOL_USE)
                .setName(recipient)
                .setInputJson(asJson(input.toString()))
                .build());
      }
      return parts;
    }
    int index = 0;
    for (JsonNode item : items) {
      String itemPath = at + ".parts[" + index++ + "]";
      if (item.isString()) {
        addIfText(parts, Part.newBuilder().setType(PartType.TEXT).setText(item.stringValue()));
      } else if (item.isObject()) {
        Optional<Part> part = objectPart(item, itemPath);
        if (part.isPresent()) {
          parts.add(part.get());
        } else {
          dropped.add(SkippedPart.UNKNOWN);
        }
      }
    }
    return parts;
  }

  /** An object among {@code multimodal_text} parts: an asset the export only points to. */
  private static Optional<Part> objectPart(JsonNode item, String path) {
    String pointer = string(item, "asset_pointer", path);
    if (pointer != null && !pointer.isEmpty()) {
      Part.Builder asset =
          Part.newBuilder()
              .setType(PartType.ASSET)
              .setFileName(pointer)
              .setSizeBytes(size(item, "size_bytes", path));
      String mediaType = string(item, "mime_type", path);
      if (mediaType == null) {
        // The pointer's content type names the kind only: a media range says as much.
        mediaType = ASSET_KINDS.get(stringOrEmpty(item, "content_type", path));
      }
      if (mediaType != null) {
        asset.setMediaType(mediaType);
      }
      return Optional.of(asset.build());
    }
    String text = string(item, "text", path);
    if (text != null && !text.isBlank()) {
      return Optional.of(Part.newBuilder().setType(PartType.TEXT).setText(text).build());
    }
    return Optional.empty();
  }

  private static List<ImportedInstruction> instructions(Node node, Instant fallback) {
    JsonNode message = node.message();
    if (message == null) {
      return List.of();
    }
    String path = "mapping." + node.id() + ".message";
    JsonNode metadata = object(message, "metadata", path);
    if (metadata == null) {
      return List.of();
    }
    JsonNode data = object(metadata, "user_context_message_data", path + ".metadata");
    if (data == null) {
      return List.of();
    }
    Instant at = epochSeconds(message, "create_time", path);
    List<ImportedInstruction> found = new ArrayList<>();
    for (String field : INSTRUCTION_FIELDS) {
      String text = string(data, field, path + ".metadata.user_context_message_data");
      if (text != null && !text.isBlank()) {
        found.add(new ImportedInstruction(field, text.strip(), at != null ? at : fallback));
      }
    }
    return found;
  }

  private static void addIfText(List<Part> parts, Part.Builder part) {
    if (!part.getText().isBlank()) {
      parts.add(part.build());
    }
  }

  private static String joinNonBlank(String... pieces) {
    StringBuilder joined = new StringBuilder();
    for (String piece : pieces) {
      if (!piece.isBlank()) {
        joined.append(joined.length() == 0 ? "" : "\n").append(piece);
      }
    }
    return joined.toString();
  }

  /** The tool input as the export has it when it is JSON, else as a JSON string. */
  private static String asJson(String input) {
    String trimmed = input.strip();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return JSON.readTree(trimmed).toString();
      } catch (JacksonException e) {
        // Not JSON after all (code, a search query): quoted below.
      }
    }
    return JSON.writeValueAsString(input);
  }
}
