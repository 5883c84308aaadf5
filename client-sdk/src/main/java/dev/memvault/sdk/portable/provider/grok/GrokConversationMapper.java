package dev.memvault.sdk.portable.provider.grok;

import static dev.memvault.sdk.portable.provider.internal.JsonFields.array;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.isoTime;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.object;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.string;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.stringOrEmpty;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.portable.provider.internal.ConversationMapper;
import dev.memvault.sdk.portable.provider.internal.ConversationProblem;
import dev.memvault.sdk.portable.provider.internal.ExportEntry;
import dev.memvault.sdk.portable.provider.internal.ImportTally;
import dev.memvault.sdk.portable.provider.internal.ImportedConversation;
import dev.memvault.sdk.portable.provider.internal.ImportedMemory;
import dev.memvault.sdk.portable.provider.internal.ImportedMessage;
import dev.memvault.sdk.portable.provider.internal.JsonFields;
import dev.memvault.sdk.portable.provider.internal.MemoryWriter;
import dev.memvault.sdk.portable.provider.internal.MessageContent;
import dev.memvault.sdk.portable.provider.internal.ThreadLayout;
import dev.memvault.sdk.portable.provider.internal.Titles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Maps a conversation of xAI's Grok export ({@code prod-grok-backend.json}): an item {@code
 * {conversation, responses}} whose responses (each wrapped as {@code {response, share_link}}) form
 * a tree by {@code parent_response_id}. The visible thread is the path from the root to the newest
 * leaf; the other branches (regenerated answers) are alternates. Message times are BSON dates
 * ({@code {"$date": {"$numberLong": "<ms>"}}}); every sender but {@code human} is the assistant.
 */
public final class GrokConversationMapper implements ConversationMapper {
  public static final String CONVERSATIONS = "conversations";
  public static final String PROJECTS = "projects";

  /** The export's file: xAI's zip holds it under {@code ttl/30d/export_data/<user uuid>/}. */
  public static final ExportEntry EXPORT = ExportEntry.named("prod-grok-backend.json");

  /** A response of the tree, in the export's order. */
  private record Node(String id, String parent, Instant createdAt, MessageContent content) {}

  @Override
  public String idOf(JsonNode item) {
    JsonNode conversation = item.get("conversation");
    return conversation != null && conversation.isObject()
        ? stringOrEmpty(conversation, "id", "conversation")
        : "";
  }

  @Override
  public Optional<String> otherProvider(JsonNode item) {
    if (item.isObject() && item.has("mapping")) {
      return Optional.of(
          "it looks like a ChatGPT export; import it with 'memvault import chatgpt'");
    }
    if (item.isObject() && item.has("chat_messages")) {
      return Optional.of("it looks like a Claude export; import it with 'memvault import claude'");
    }
    return Optional.empty();
  }

  @Override
  public ImportedConversation map(JsonNode item) {
    JsonNode conversation = object(item, "conversation", "");
    if (conversation == null) {
      throw new ConversationProblem("has no 'conversation'");
    }
    String id = idOf(item);
    if (id.isEmpty()) {
      throw new ConversationProblem("has no 'conversation.id'");
    }
    JsonNode responses = array(item, "responses", "");
    Map<String, Node> nodes = new LinkedHashMap<>();
    if (responses != null) {
      int index = 0;
      for (JsonNode wrapped : responses) {
        String path = "responses[" + index + "]";
        index++;
        Node node = node(wrapped, path);
        if (nodes.putIfAbsent(node.id(), node) != null) {
          throw new ConversationProblem(
              path + "._id '" + node.id() + "' appears twice in the conversation");
        }
      }
    }
    Map<String, List<String>> children = new HashMap<>();
    List<String> roots = new ArrayList<>();
    for (Node node : nodes.values()) {
      if (node.parent() == null) {
        roots.add(node.id());
      } else if (!nodes.containsKey(node.parent())) {
        throw new ConversationProblem(
            "response '"
                + node.id()
                + "' has parent_response_id '"
                + node.parent()
                + "', which is not in responses");
      } else {
        children.computeIfAbsent(node.parent(), k -> new ArrayList<>()).add(node.id());
      }
    }
    if (roots.isEmpty() && !nodes.isEmpty()) {
      throw new ConversationProblem("responses have no first message: every one has a parent");
    }
    List<ImportedMessage> messages =
        ThreadLayout.of(
            visiblePath(nodes, children), roots, children, nodeId -> nodes.get(nodeId).content());
    return new ImportedConversation(
        id,
        Titles.orDerived(string(conversation, "title", "conversation"), messages),
        stringOrEmpty(conversation, "summary", "conversation").strip(),
        "",
        isoTime(conversation, "create_time", "conversation"),
        isoTime(conversation, "modify_time", "conversation"),
        messages,
        List.of());
  }

  /**
   * From a root to the newest leaf: the answer the person saw last. A leaf without a time counts as
   * older than any with one; between equal times, the later in the export wins.
   */
  private static List<String> visiblePath(Map<String, Node> nodes, Map<String, List<String>> kids) {
    Node newest = null;
    for (Node node : nodes.values()) {
      if (kids.containsKey(node.id())) {
        continue;
      }
      if (newest == null || !older(node, newest)) {
        newest = node;
      }
    }
    List<String> path = new ArrayList<>();
    for (Node at = newest; at != null; at = at.parent() == null ? null : nodes.get(at.parent())) {
      if (path.size() > nodes.size()) {
        throw new ConversationProblem(
            "responses have a cycle: '" + at.id() + "' is its own ancestor");
      }
      path.add(at.id());
    }
    Collections.reverse(path);
    return path;
  }

  private static boolean older(Node node, Node than) {
    if (node.createdAt() == null || than.createdAt() == null) {
      return node.createdAt() == null && than.createdAt() != null;
    }
    return node.createdAt().isBefore(than.createdAt());
  }

  private static Node node(JsonNode wrapped, String path) {
    if (!wrapped.isObject()) {
      throw new ConversationProblem(path + " is not an object");
    }
    JsonNode response = wrapped;
    if (wrapped.has("response")) {
      response = object(wrapped, "response", path);
      path = path + ".response";
      if (response == null) {
        throw new ConversationProblem(path + " is empty");
      }
    }
    String id = stringOrEmpty(response, "_id", path);
    if (id.isEmpty()) {
      throw new ConversationProblem(path + " has no '_id'");
    }
    String sender = stringOrEmpty(response, "sender", path);
    Role role = sender.toLowerCase(Locale.ROOT).equals("human") ? Role.USER : Role.ASSISTANT;
    Instant at = bsonDate(response.get("create_time"), path + ".create_time");
    List<Part> parts = parts(response, path);
    MessageContent content =
        parts.isEmpty()
            ? null
            : new MessageContent(id, role, "", parts, stringOrEmpty(response, "model", path), at);
    return new Node(id, string(response, "parent_response_id", path), at, content);
  }

  private static List<Part> parts(JsonNode response, String path) {
    List<Part> parts = new ArrayList<>();
    String thinking = stringOrEmpty(response, "thinking_trace", path);
    if (!thinking.isBlank()) {
      parts.add(Part.newBuilder().setType(PartType.THINKING).setText(thinking.strip()).build());
    }
    String text = stringOrEmpty(response, "message", path);
    if (!text.isBlank()) {
      parts.add(Part.newBuilder().setType(PartType.TEXT).setText(text).build());
    }
    JsonNode images = array(response, "generated_image_urls", path);
    if (images != null) {
      int index = 0;
      for (JsonNode image : images) {
        String at = path + ".generated_image_urls[" + index++ + "]";
        if (!image.isString()) {
          throw new ConversationProblem(at + " is not a string");
        }
        parts.add(
            Part.newBuilder()
                .setType(PartType.ASSET)
                .setFileName(image.stringValue())
                .setMediaType("image/*")
                .build());
      }
    }
    JsonNode citations = array(response, "cited_web_search_results", path);
    if (citations != null) {
      int index = 0;
      for (JsonNode citation : citations) {
        String at = path + ".cited_web_search_results[" + index++ + "]";
        if (!citation.isObject()) {
          throw new ConversationProblem(at + " is not an object");
        }
        String url = stringOrEmpty(citation, "url", at);
        if (url.isBlank()) {
          continue;
        }
        parts.add(
            Part.newBuilder()
                .setType(PartType.CITATION)
                .setUrl(url)
                .setName(stringOrEmpty(citation, "title", at))
                .setText(stringOrEmpty(citation, "preview", at))
                .build());
      }
    }
    return parts;
  }

  /**
   * A BSON extended-JSON date: {@code {"$date": {"$numberLong": "<ms>"}}}, {@code {"$date": <ms>}}
   * or {@code {"$date": "<ISO 8601>"}}; an ISO 8601 string is taken too. Null when absent.
   */
  static Instant bsonDate(JsonNode value, String path) {
    if (JsonFields.absent(value)) {
      return null;
    }
    JsonNode date = value.isObject() ? value.get("$date") : value;
    if (date != null && date.isObject()) {
      date = date.get("$numberLong");
    }
    try {
      if (date != null && date.isString() && date.stringValue().matches("-?\\d+")) {
        return Instant.ofEpochMilli(Long.parseLong(date.stringValue()));
      }
      if (date != null && date.isIntegralNumber() && date.canConvertToLong()) {
        return Instant.ofEpochMilli(date.longValue());
      }
      if (date != null && date.isString()) {
        return java.time.OffsetDateTime.parse(date.stringValue().strip()).toInstant();
      }
    } catch (java.time.DateTimeException | NumberFormatException e) {
      // Reported below, with the field.
    }
    throw new ConversationProblem(path + " is not a BSON date: " + value);
  }

  /**
   * Each project's {@code custom_personality} becomes an {@code INSTRUCTION} memory, each project
   * in one transaction.
   */
  public static void importProjects(JsonNode projects, MemoryWriter writer, ImportTally tally) {
    if (!projects.isArray()) {
      tally.fail("project", 1, "", "'projects' is not a list");
      return;
    }
    int number = 0;
    for (JsonNode project : projects) {
      number++;
      tally.projectRead();
      String name = project.isObject() ? stringOrEmpty(project, "name", "") : "";
      try {
        if (!project.isObject()) {
          throw new ConversationProblem("is not an object");
        }
        String personality = stringOrEmpty(project, "custom_personality", "").strip();
        if (personality.isEmpty()) {
          continue;
        }
        String id = stringOrEmpty(project, "id", "");
        String key = id.isEmpty() ? ImportedMemory.digest(name) : id;
        Map<String, String> attributes = new HashMap<>();
        attributes.put("grok_project_field", "custom_personality");
        if (!name.isEmpty()) {
          attributes.put("grok_project", name);
        }
        tally.add(
            writer.write(
                List.of(
                    new ImportedMemory(
                        "project/" + key + "/custom_personality",
                        Kind.INSTRUCTION,
                        personality,
                        attributes,
                        null,
                        null,
                        true))));
      } catch (ConversationProblem | VaultException.InvalidInput e) {
        tally.fail("project", number, name, e.getMessage());
      }
    }
  }
}
