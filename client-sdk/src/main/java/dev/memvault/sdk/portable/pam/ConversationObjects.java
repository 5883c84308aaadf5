package dev.memvault.sdk.portable.pam;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a memvault conversation with its messages as a PAM conversation file (spec section 25).
 *
 * <p>The messages form the DAG the spec describes, consistent in both directions: every {@code
 * parent_id} names a message of the file and every message is among its parent's {@code
 * children_ids}. A message's parent is the one it names in memvault when that is in the
 * conversation, else the message before it on its thread; an alternate branch starts below the
 * visible message before its position. Messages are listed in time order.
 */
final class ConversationObjects {
  private static final JsonFormat.Printer PARTS = JsonFormat.printer();

  private ConversationObjects() {}

  /** The conversation file of {@code conversation}; {@code messages} are its live messages. */
  static ObjectNode toPam(Memory conversation, List<Memory> messages) {
    List<Memory> ordered = new ArrayList<>(messages);
    ordered.sort(
        Comparator.comparing((Memory m) -> !m.getMessage().getBranch().isEmpty())
            .thenComparing(m -> m.getMessage().getBranch())
            .thenComparingInt(m -> m.getMessage().getPosition()));
    Map<String, String> parents = parents(ordered);
    Map<String, List<String>> children = new LinkedHashMap<>();
    for (Memory message : ordered) {
      String parent = parents.get(message.getId());
      if (parent != null) {
        children.computeIfAbsent(parent, p -> new ArrayList<>()).add(message.getId());
      }
    }

    ObjectNode file = Json.object();
    file.put("schema", PamFormat.CONVERSATION_SCHEMA);
    file.put("schema_version", PamFormat.VERSION);
    file.put("id", conversation.getId());
    ObjectNode provider = file.putObject("provider");
    provider.put("name", Json.platform(conversation.getSource()));
    provider.put("conversation_id", Json.nullIfEmpty(conversation.getSource().getExternalId()));
    provider.putNull("account_id");
    provider.putNull("export_format_version");
    file.put("title", title(conversation));
    ObjectNode temporal = file.putObject("temporal");
    temporal.put("created_at", Json.time(conversation.getCreatedAt()));
    temporal.put("updated_at", Json.time(conversation.getUpdatedAt()));
    file.putArray("participants");
    ArrayNode array = file.putArray("messages");
    // In time order, as the spec lists a linear conversation; the DAG holds the threads.
    List<Memory> chronological = new ArrayList<>(ordered);
    chronological.sort(
        Comparator.comparingLong((Memory m) -> m.getCreatedAt().getSeconds())
            .thenComparingInt(m -> m.getCreatedAt().getNanos()));
    for (Memory message : chronological) {
      array.add(
          message(
              message,
              parents.get(message.getId()),
              children.getOrDefault(message.getId(), List.of())));
    }
    file.put("model", Json.nullIfEmpty(conversation.getSource().getModel()));
    file.putNull("system_instruction");
    file.put("is_archived", false);
    file.set("tags", Json.pamTags(conversation.getTagsList()));
    ObjectNode member = Json.memvaultMember(conversation);
    member.put("text", conversation.getText());
    file.putObject("raw_metadata").set(PamFormat.MEMVAULT_MEMBER, member);
    return file;
  }

  static String title(Memory conversation) {
    return Json.nullIfEmpty(conversation.getConversation().getTitle());
  }

  private static Map<String, String> parents(List<Memory> ordered) {
    Set<String> ids = new HashSet<>();
    ordered.forEach(m -> ids.add(m.getId()));
    Map<String, String> parents = new HashMap<>();
    Map<String, String> lastOnThread = new HashMap<>();
    Map<Integer, String> visibleAt = new HashMap<>();
    for (Memory message : ordered) {
      String named = message.getMessage().getParentId();
      String thread = message.getMessage().getBranch();
      int position = message.getMessage().getPosition();
      String parent;
      if (ids.contains(named) && !named.equals(message.getId())) {
        parent = named;
      } else if (lastOnThread.containsKey(thread)) {
        parent = lastOnThread.get(thread);
      } else {
        // An alternate branch forks from the visible message before its first position.
        parent = thread.isEmpty() ? null : visibleAt.get(position - 1);
      }
      if (thread.isEmpty()) {
        visibleAt.put(position, message.getId());
      }
      if (parent != null) {
        parents.put(message.getId(), parent);
      }
      lastOnThread.put(thread, message.getId());
    }
    return parents;
  }

  private static ObjectNode message(Memory memory, String parent, List<String> children) {
    dev.memvault.proto.v1.Message message = memory.getMessage();
    ObjectNode object = Json.object();
    object.put("id", memory.getId());
    object.put("provider_message_id", Json.nullIfEmpty(memory.getSource().getExternalId()));
    object.put("role", role(message.getRole()));
    boolean thought =
        message.getPartsCount() > 0
            && message.getPartsList().stream().allMatch(p -> p.getType() == PartType.THINKING);
    object.set("content", content(memory, thought));
    object.put("created_at", Json.time(memory.getCreatedAt()));
    object.put("parent_id", parent);
    ArrayNode childIds = object.putArray("children_ids");
    children.forEach(childIds::add);
    object.put("model", Json.nullIfEmpty(memory.getSource().getModel()));
    object.put("is_thought", thought);
    object.putNull("token_count");
    object.putArray("attachments");
    ArrayNode citations = object.putArray("citations");
    ArrayNode toolCalls = object.putArray("tool_calls");
    for (Part part : message.getPartsList()) {
      switch (part.getType()) {
        case CITATION ->
            citations
                .addObject()
                .put("title", Json.nullIfEmpty(part.getName()))
                .put("url", Json.nullIfEmpty(part.getUrl()))
                .put("snippet", Json.nullIfEmpty(part.getText()));
        case TOOL_USE ->
            toolCalls
                .addObject()
                .putNull("id")
                .put("name", part.getName().isEmpty() ? "tool" : part.getName())
                .put("input", Json.nullIfEmpty(part.getInputJson()))
                .putNull("output");
        case TOOL_RESULT ->
            toolCalls
                .addObject()
                .putNull("id")
                .put("name", part.getName().isEmpty() ? "tool" : part.getName())
                .putNull("input")
                .put("output", part.getText());
        default -> {}
      }
    }
    ObjectNode member = Json.memvaultMember(memory);
    member.put("position", message.getPosition());
    member.put("branch", message.getBranch());
    member.put("author", message.getAuthor());
    member.put("parent_id", message.getParentId());
    member.put("text", memory.getText());
    ArrayNode parts = member.putArray("parts");
    for (Part part : message.getPartsList()) {
      parts.add(PamFormat.MAPPER.readTree(print(part)));
    }
    object.putObject("raw_metadata").set(PamFormat.MEMVAULT_MEMBER, member);
    return object;
  }

  private static ObjectNode content(Memory memory, boolean thought) {
    List<Part> parts = memory.getMessage().getPartsList();
    ObjectNode content = Json.object();
    boolean onlyText =
        parts.stream().allMatch(p -> p.getType() == PartType.TEXT || isSidePart(p.getType()));
    if (onlyText && !thought) {
      content.put("type", "text");
      content.put("text", memory.getText());
      content.putArray("parts");
      return content;
    }
    content.put("type", "multipart");
    content.putNull("text");
    ArrayNode array = content.putArray("parts");
    for (Part part : parts) {
      switch (part.getType()) {
        case TEXT, THINKING -> array.addObject().put("type", "text").put("text", part.getText());
        case CODE ->
            array
                .addObject()
                .put("type", "code")
                .put("text", part.getText())
                .put("language", Json.nullIfEmpty(part.getName()));
        case ATTACHMENT, ASSET ->
            array
                .addObject()
                .put("type", mediaPartType(part.getMediaType()))
                .put("text", Json.nullIfEmpty(part.getText()))
                .put("mime_type", Json.nullIfEmpty(part.getMediaType()))
                .put("ref", Json.nullIfEmpty(part.getFileName()));
        default -> {}
      }
    }
    return content;
  }

  /** Parts PAM keeps beside the content: tool calls and citations. */
  private static boolean isSidePart(PartType type) {
    return type == PartType.TOOL_USE || type == PartType.TOOL_RESULT || type == PartType.CITATION;
  }

  private static String mediaPartType(String mediaType) {
    if (mediaType.startsWith("image/")) {
      return "image";
    }
    if (mediaType.startsWith("audio/")) {
      return "audio";
    }
    if (mediaType.startsWith("video/")) {
      return "video";
    }
    return "file";
  }

  static String role(Role role) {
    return switch (role) {
      case USER -> "user";
      case SYSTEM -> "system";
      case TOOL -> "tool";
      default -> "assistant";
    };
  }

  private static String print(Part part) {
    try {
      return PARTS.print(part);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields can fail to print, and Part has none.
      throw new IllegalStateException("a message part could not be written as JSON", e);
    }
  }
}
