package dev.memvault.sdk.portable.pam;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Conversation;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.portable.provider.internal.ImportedConversation;
import dev.memvault.sdk.portable.provider.internal.ImportedInstruction;
import dev.memvault.sdk.portable.provider.internal.ImportedMessage;
import dev.memvault.sdk.portable.provider.internal.MessageContent;
import dev.memvault.sdk.portable.provider.internal.ThreadLayout;
import dev.memvault.sdk.portable.provider.internal.Titles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A PAM conversation file (spec section 25) read and checked: its schema and version, every
 * message's id, role and time, and its DAG (each {@code parent_id} and child id names a message of
 * the file). A memvault export of a conversation comes back as the same memories ({@link Own}); any
 * other as an {@link ImportedConversation} for the provider importers' writer ({@link Foreign}).
 */
sealed interface ConversationFile {
  /** A conversation memvault exported: its memory and its messages', ids and all. */
  record Own(Memory conversation, List<Memory> messages) implements ConversationFile {}

  /** A conversation of another tool, under its provider's name. */
  record Foreign(String provider, ImportedConversation conversation) implements ConversationFile {}

  JsonFormat.Parser PARTS = JsonFormat.parser().ignoringUnknownFields();

  /**
   * Reads {@code file}; {@code name} names it in messages.
   *
   * @throws VaultException.InvalidInput naming the first fault
   */
  static ConversationFile read(Path file, String name) {
    JsonNode root = JsonFile.read(file, name);
    if (!root.isObject() || !PamFormat.CONVERSATION_SCHEMA.equals(PamStore.text(root, "schema"))) {
      throw new VaultException.InvalidInput(
          name
              + " is not a PAM conversation file (its \"schema\" is not '"
              + PamFormat.CONVERSATION_SCHEMA
              + "')");
    }
    String version = PamStore.text(root, "schema_version");
    if (version == null || !PamFormat.READABLE_VERSION.matcher(version).matches()) {
      throw new VaultException.InvalidInput(
          name + " is not PAM version 1.x (its \"schema_version\" is " + version + ")");
    }
    String id = PamStore.nonEmpty(root, "id");
    String provider = PamStore.text(root.path("provider"), "name");
    if (id == null || provider == null || !PamFormat.PLATFORM.matcher(provider).matches()) {
      throw new VaultException.InvalidInput(
          name + " needs an \"id\" and a \"provider.name\" of 2 to 32 lowercase characters");
    }
    Instant created = PamStore.time(root.path("temporal"), "created_at", name);
    if (created == null) {
      throw new VaultException.InvalidInput(name + " has no \"temporal.created_at\"");
    }
    Instant updated = PamStore.time(root.path("temporal"), "updated_at", name);
    JsonNode messagesNode = root.get("messages");
    if (messagesNode == null || !messagesNode.isArray()) {
      throw new VaultException.InvalidInput(name + " has no \"messages\" array");
    }
    Map<String, JsonNode> messages = new LinkedHashMap<>();
    for (int i = 0; i < messagesNode.size(); i++) {
      JsonNode message = messagesNode.get(i);
      String messageId = message.isObject() ? PamStore.nonEmpty(message, "id") : null;
      if (messageId == null) {
        throw new VaultException.InvalidInput(name + ": message " + (i + 1) + " has no \"id\"");
      }
      if (messages.put(messageId, message) != null) {
        throw new VaultException.InvalidInput(
            name + ": message " + (i + 1) + " repeats id '" + messageId + "'");
      }
      String where = name + ": message " + (i + 1) + " (id " + messageId + ")";
      role(PamStore.text(message, "role"), where);
      if (PamStore.time(message, "created_at", where) == null) {
        throw new VaultException.InvalidInput(where + " has no \"created_at\"");
      }
    }
    for (JsonNode message : messages.values()) {
      String where = name + ": message " + PamStore.text(message, "id");
      String parent = PamStore.text(message, "parent_id");
      if (parent != null && !messages.containsKey(parent)) {
        throw new VaultException.InvalidInput(
            where + " names parent '" + parent + "', which is not a message of the file");
      }
      for (JsonNode child : message.path("children_ids")) {
        if (!child.isString() || !messages.containsKey(child.stringValue())) {
          throw new VaultException.InvalidInput(
              where + " names a child that is not a message of the file");
        }
      }
    }
    Optional<ConversationFile> own = own(root, id, created, updated, messages);
    if (own.isPresent()) {
      return own.get();
    }
    return new Foreign(provider, foreign(root, id, created, updated, messages));
  }

  private static Optional<ConversationFile> own(
      JsonNode root, String id, Instant created, Instant updated, Map<String, JsonNode> messages) {
    Optional<MemvaultMember> header = MemvaultMember.of(id, root.get("raw_metadata"));
    if (header.isEmpty() || header.get().kind() != Kind.CONVERSATION) {
      return Optional.empty();
    }
    List<Memory> stored = new ArrayList<>();
    int visible = 0;
    for (JsonNode message : messages.values()) {
      String messageId = PamStore.text(message, "id");
      Optional<MemvaultMember> member = MemvaultMember.of(messageId, message.get("raw_metadata"));
      if (member.isEmpty() || member.get().kind() != Kind.MESSAGE) {
        return Optional.empty();
      }
      JsonNode node = member.get().node();
      Message.Builder body =
          Message.newBuilder()
              .setConversationId(header.get().id())
              .setPosition(node.path("position").asInt(0))
              .setRole(role(PamStore.text(message, "role"), messageId))
              .setAuthor(node.path("author").asString(""))
              .setBranch(node.path("branch").asString(""))
              .setParentId(node.path("parent_id").asString(""));
      for (JsonNode part : node.path("parts")) {
        Part.Builder builder = Part.newBuilder();
        try {
          PARTS.merge(part.toString(), builder);
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
        body.addParts(builder);
      }
      if (body.getBranch().isEmpty()) {
        visible++;
      }
      Instant messageCreated = PamStore.time(message, "created_at", messageId);
      Instant messageUpdated = PamStore.time(node, "updated_at", messageId);
      stored.add(
          member
              .get()
              .memory(node.path("text").asString(""), messageCreated, messageUpdated)
              .setScope(header.get().scope())
              .setMessage(body)
              .build());
    }
    String title = PamStore.text(root, "title");
    Memory conversation =
        header
            .get()
            .memory(header.get().node().path("text").asString(""), created, updated)
            .setConversation(
                Conversation.newBuilder()
                    .setTitle(title == null ? "" : title)
                    .setMessageCount(visible))
            .build();
    return Optional.of(new Own(conversation, List.copyOf(stored)));
  }

  private static ImportedConversation foreign(
      JsonNode root, String id, Instant created, Instant updated, Map<String, JsonNode> messages) {
    Map<String, MessageContent> contents = new HashMap<>();
    for (JsonNode message : messages.values()) {
      String messageId = PamStore.text(message, "id");
      contents.put(
          messageId,
          new MessageContent(
              messageId,
              role(PamStore.text(message, "role"), messageId),
              "",
              MessageParts.fromPam(message),
              message.path("model").asString(""),
              PamStore.time(message, "created_at", messageId)));
    }
    boolean linear = true;
    for (JsonNode message : messages.values()) {
      linear &= PamStore.text(message, "parent_id") == null;
    }
    Map<String, List<String>> children = new HashMap<>();
    List<String> roots = new ArrayList<>();
    List<String> path = new ArrayList<>();
    if (linear) {
      // The spec's linear conversations: no parent ids, the messages in order.
      String previous = null;
      for (String messageId : messages.keySet()) {
        if (previous == null) {
          roots.add(messageId);
        } else {
          children.put(previous, List.of(messageId));
        }
        path.add(messageId);
        previous = messageId;
      }
    } else {
      Map<String, String> parents = new HashMap<>();
      for (JsonNode message : messages.values()) {
        String messageId = PamStore.text(message, "id");
        String parent = PamStore.text(message, "parent_id");
        if (parent == null) {
          roots.add(messageId);
        } else {
          parents.put(messageId, parent);
          children.computeIfAbsent(parent, p -> new ArrayList<>()).add(messageId);
        }
      }
      path = visiblePath(messages, contents, children, parents);
    }
    List<ImportedMessage> laidOut = ThreadLayout.of(path, roots, children, contents::get);
    String system = PamStore.nonEmpty(root, "system_instruction");
    List<ImportedInstruction> instructions =
        system == null
            ? List.of()
            : List.of(new ImportedInstruction("system_instruction", system, created));
    String conversationId =
        Optional.ofNullable(PamStore.nonEmpty(root.path("provider"), "conversation_id")).orElse(id);
    return new ImportedConversation(
        conversationId,
        Titles.orDerived(PamStore.text(root, "title"), laidOut),
        "",
        root.path("model").asString(""),
        created,
        Timestamps.notBefore(created, updated),
        laidOut,
        instructions);
  }

  /**
   * The visible thread of a branching conversation: from its root to the newest leaf (by time, the
   * later in the file on a tie), as a person last saw it.
   */
  private static List<String> visiblePath(
      Map<String, JsonNode> messages,
      Map<String, MessageContent> contents,
      Map<String, List<String>> children,
      Map<String, String> parents) {
    String leaf = null;
    for (String messageId : messages.keySet()) {
      if (children.containsKey(messageId)) {
        continue;
      }
      if (leaf == null
          || !contents.get(messageId).createdAt().isBefore(contents.get(leaf).createdAt())) {
        leaf = messageId;
      }
    }
    List<String> path = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String at = leaf; at != null && seen.add(at); at = parents.get(at)) {
      path.add(0, at);
    }
    return path;
  }

  private static Role role(String role, String where) {
    if (role == null) {
      throw new VaultException.InvalidInput(where + " has no \"role\"");
    }
    return switch (role) {
      case "user" -> Role.USER;
      case "assistant" -> Role.ASSISTANT;
      case "system" -> Role.SYSTEM;
      case "tool" -> Role.TOOL;
      default ->
          throw new VaultException.InvalidInput(
              where + " has role '" + role + "', not user, assistant, system or tool");
    };
  }
}
