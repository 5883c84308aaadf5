package dev.memvault.sdk.portable.pam;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rules of PAM v1.0 that its JSON Schemas (memory store and conversation) and its validator
 * check, restated from the spec's text as plain checks on an export directory: allowed and required
 * members, enumerations, patterns, the custom-type rule, content hashes (normalized here
 * independently of the code under test), the integrity count, cross-references and the message DAG
 * in both directions. Each broken rule is one line of the result.
 */
final class SpecRules {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final Pattern VERSION =
      Pattern.compile("^[0-9]+\\.[0-9]+(-(rc|alpha|beta)[0-9]*)?$");
  private static final Pattern SYSTEM =
      Pattern.compile("^[a-zA-Z0-9_-]+/[0-9]+\\.[0-9]+\\.[0-9]+$");
  private static final Pattern SHA256 = Pattern.compile("^sha256:[a-f0-9]{64}$");
  private static final Pattern TAG = Pattern.compile("^[a-z0-9][a-z0-9_-]*$");
  private static final Pattern PLATFORM = Pattern.compile("^[a-z0-9_-]{2,32}$");
  private static final Pattern LANGUAGE =
      Pattern.compile("^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$");

  private static final Set<String> ROOT =
      Set.of(
          "schema",
          "schema_version",
          "spec_uri",
          "export_id",
          "exported_by",
          "export_date",
          "owner",
          "memories",
          "relations",
          "conversations_index",
          "integrity",
          "export_type",
          "base_export_id",
          "since",
          "type_registry",
          "signature");
  private static final Set<String> MEMORY =
      Set.of(
          "id",
          "type",
          "custom_type",
          "status",
          "content",
          "content_hash",
          "summary",
          "tags",
          "confidence",
          "temporal",
          "provenance",
          "access",
          "embedding_ref",
          "metadata");
  private static final Set<String> TYPES =
      Set.of(
          "fact",
          "preference",
          "skill",
          "context",
          "relationship",
          "goal",
          "instruction",
          "identity",
          "environment",
          "project",
          "custom");
  private static final Set<String> STATUSES =
      Set.of("active", "superseded", "deprecated", "retracted", "archived");
  private static final Set<String> TEMPORAL =
      Set.of("created_at", "updated_at", "valid_from", "valid_until", "superseded_by");
  private static final Set<String> PROVENANCE =
      Set.of(
          "platform",
          "platform_user_id",
          "conversation_ref",
          "message_ref",
          "extraction_method",
          "extracted_at",
          "extractor");
  private static final Set<String> METHODS =
      Set.of("llm_inference", "explicit_user_input", "api_export", "browser_extraction", "manual");
  private static final Set<String> RELATION =
      Set.of("id", "from", "to", "type", "confidence", "created_at");
  private static final Set<String> RELATION_TYPES =
      Set.of("supports", "contradicts", "extends", "supersedes", "related_to", "derived_from");
  private static final Set<String> INDEX =
      Set.of(
          "id",
          "platform",
          "title",
          "message_count",
          "temporal",
          "tags",
          "derived_memories",
          "storage");
  private static final Set<String> STORAGE_TYPES =
      Set.of("file", "database", "object_storage", "vector_db", "uri");
  private static final Set<String> CONVERSATION =
      Set.of(
          "schema",
          "schema_version",
          "id",
          "provider",
          "title",
          "temporal",
          "participants",
          "messages",
          "model",
          "system_instruction",
          "is_archived",
          "tags",
          "raw_metadata",
          "import_metadata");
  private static final Set<String> MESSAGE =
      Set.of(
          "id",
          "provider_message_id",
          "role",
          "content",
          "created_at",
          "parent_id",
          "children_ids",
          "model",
          "is_thought",
          "token_count",
          "attachments",
          "citations",
          "tool_calls",
          "raw_metadata");
  private static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");
  private static final Set<String> PART_TYPES =
      Set.of("text", "image", "code", "file", "audio", "video");

  private final List<String> broken = new ArrayList<>();

  private SpecRules() {}

  /** Every rule that the export in {@code directory} breaks; empty when it keeps them all. */
  static List<String> check(Path directory) throws Exception {
    SpecRules rules = new SpecRules();
    rules.store(directory);
    return rules.broken;
  }

  private void store(Path directory) throws Exception {
    JsonNode root = MAPPER.readTree(Files.readString(directory.resolve("memory-store.json")));
    members("root", root, ROOT);
    expect(root.path("schema").asString("").equals("portable-ai-memory"), "root: schema");
    pattern("root: schema_version", root.get("schema_version"), VERSION);
    pattern("root: exported_by", root.get("exported_by"), SYSTEM);
    time("root: export_date", root.get("export_date"), true);
    expect(!root.path("owner").path("id").asString("").isEmpty(), "owner.id is required");
    members("owner", root.get("owner"), Set.of("id", "did", "created_at"));

    Map<String, String> conversationRefs = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (JsonNode memory : root.path("memories")) {
      String id = memory.path("id").asString("");
      String where = "memory " + id;
      expect(!id.isEmpty() && ids.add(id), where + ": id missing or repeated");
      members(where, memory, MEMORY);
      String type = memory.path("type").asString("");
      expect(TYPES.contains(type), where + ": type " + type);
      JsonNode custom = memory.get("custom_type");
      if (type.equals("custom")) {
        expect(
            custom != null && custom.isString() && !custom.stringValue().isEmpty(),
            where + ": custom without custom_type");
      } else {
        expect(custom == null || custom.isNull(), where + ": custom_type must be null");
      }
      expect(STATUSES.contains(memory.path("status").asString("active")), where + ": status");
      String content = memory.path("content").asString("");
      expect(!content.isEmpty(), where + ": empty content");
      pattern(where + ": content_hash", memory.get("content_hash"), SHA256);
      expect(
          memory.path("content_hash").asString("").equals(hash(content)),
          where + ": content_hash differs from the hash of its content");
      Set<String> tags = new HashSet<>();
      for (JsonNode tag : memory.path("tags")) {
        pattern(where + ": tag", tag, TAG);
        expect(tags.add(tag.asString("")), where + ": repeated tag");
      }
      JsonNode temporal = memory.get("temporal");
      members(where + " temporal", temporal, TEMPORAL);
      time(where + ": created_at", temporal == null ? null : temporal.get("created_at"), true);
      for (String field : List.of("updated_at", "valid_from", "valid_until")) {
        time(where + ": " + field, temporal == null ? null : temporal.get(field), false);
      }
      if (temporal != null && temporal.hasNonNull("updated_at")) {
        expect(
            !OffsetDateTime.parse(temporal.get("updated_at").stringValue())
                .isBefore(OffsetDateTime.parse(temporal.get("created_at").stringValue())),
            where + ": updated_at before created_at");
      }
      JsonNode provenance = memory.get("provenance");
      members(where + " provenance", provenance, PROVENANCE);
      pattern(
          where + ": platform", provenance == null ? null : provenance.get("platform"), PLATFORM);
      if (provenance != null && provenance.hasNonNull("extraction_method")) {
        expect(
            METHODS.contains(provenance.get("extraction_method").stringValue()),
            where + ": extraction_method");
      }
      if (provenance != null && provenance.hasNonNull("extractor")) {
        pattern(where + ": extractor", provenance.get("extractor"), SYSTEM);
      }
      if (provenance != null && provenance.hasNonNull("conversation_ref")) {
        conversationRefs.put(id, provenance.get("conversation_ref").stringValue());
      }
      expect(
          memory.path("embedding_ref").isNull() || memory.get("embedding_ref") == null,
          where + ": embedding_ref without embeddings.json");
      JsonNode language = memory.path("metadata").get("language");
      if (language != null && !language.isNull()) {
        pattern(where + ": language", language, LANGUAGE);
      }
    }
    JsonNode integrity = root.get("integrity");
    if (integrity != null) {
      members("integrity", integrity, Set.of("canonicalization", "checksum", "total_memories"));
      pattern("integrity.checksum", integrity.get("checksum"), SHA256);
      expect(
          integrity.path("total_memories").asInt(-1) == root.path("memories").size(),
          "integrity.total_memories differs from the number of memories");
    }
    for (JsonNode relation : root.path("relations")) {
      String where = "relation " + relation.path("id").asString("");
      members(where, relation, RELATION);
      expect(RELATION_TYPES.contains(relation.path("type").asString("")), where + ": type");
      expect(ids.contains(relation.path("from").asString("")), where + ": unknown from");
      expect(ids.contains(relation.path("to").asString("")), where + ": unknown to");
      time(where + ": created_at", relation.get("created_at"), true);
    }
    Set<String> conversationIds = new HashSet<>();
    for (JsonNode entry : root.path("conversations_index")) {
      String id = entry.path("id").asString("");
      String where = "conversation " + id;
      expect(conversationIds.add(id), where + ": repeated id");
      members(where, entry, INDEX);
      pattern(where + ": platform", entry.get("platform"), PLATFORM);
      time(where + ": created_at", entry.path("temporal").get("created_at"), true);
      for (JsonNode tag : entry.path("tags")) {
        pattern(where + ": tag", tag, TAG);
      }
      Set<String> derived = new HashSet<>();
      for (JsonNode memory : entry.path("derived_memories")) {
        derived.add(memory.asString(""));
        expect(ids.contains(memory.asString("")), where + ": derived memory not in the store");
        expect(
            id.equals(conversationRefs.get(memory.asString(""))),
            where + ": derived memory whose provenance names another conversation");
      }
      conversationRefs.forEach(
          (memory, ref) -> {
            if (ref.equals(id)) {
              expect(derived.contains(memory), where + ": derived_memories lacks " + memory);
            }
          });
      JsonNode storage = entry.get("storage");
      members(where + " storage", storage, Set.of("type", "ref", "format"));
      expect(STORAGE_TYPES.contains(storage.path("type").asString("")), where + ": storage");
      JsonNode file =
          MAPPER.readTree(Files.readString(directory.resolve(storage.get("ref").stringValue())));
      conversation(file, entry);
    }
    conversationRefs
        .values()
        .forEach(
            ref ->
                expect(conversationIds.contains(ref), "conversation_ref " + ref + " not indexed"));
  }

  private void conversation(JsonNode file, JsonNode entry) {
    String where = "conversation file " + file.path("id").asString("");
    members(where, file, CONVERSATION);
    expect(
        file.path("schema").asString("").equals("portable-ai-memory-conversation"),
        where + ": schema");
    pattern(where + ": schema_version", file.get("schema_version"), VERSION);
    expect(file.path("id").asString("").equals(entry.path("id").asString("")), where + ": id");
    pattern(where + ": provider.name", file.path("provider").get("name"), PLATFORM);
    expect(
        file.path("provider").path("name").asString("").equals(entry.path("platform").asString("")),
        where + ": provider.name differs from the index's platform");
    expect(
        file.path("title").equals(entry.path("title")), where + ": title differs from the index");
    expect(
        file.path("messages").size() == entry.path("message_count").asInt(-1),
        where + ": message_count differs from the index");
    time(where + ": created_at", file.path("temporal").get("created_at"), true);
    Map<String, JsonNode> messages = new HashMap<>();
    for (JsonNode message : file.path("messages")) {
      String id = message.path("id").asString("");
      expect(!id.isEmpty() && messages.put(id, message) == null, where + ": message id " + id);
    }
    for (JsonNode message : file.path("messages")) {
      String at = where + " message " + message.path("id").asString("");
      members(at, message, MESSAGE);
      expect(ROLES.contains(message.path("role").asString("")), at + ": role");
      time(at + ": created_at", message.get("created_at"), true);
      JsonNode content = message.get("content");
      if (content != null) {
        members(at + " content", content, Set.of("type", "text", "parts"));
        expect(
            Set.of("text", "multipart").contains(content.path("type").asString("")),
            at + ": content type");
        for (JsonNode part : content.path("parts")) {
          members(at + " part", part, Set.of("type", "text", "language", "mime_type", "ref"));
          expect(PART_TYPES.contains(part.path("type").asString("")), at + ": part type");
        }
      }
      for (JsonNode call : message.path("tool_calls")) {
        members(at + " tool call", call, Set.of("id", "name", "input", "output"));
        expect(!call.path("name").asString("").isEmpty(), at + ": tool call without a name");
      }
      for (JsonNode citation : message.path("citations")) {
        members(at + " citation", citation, Set.of("title", "url", "snippet"));
      }
      JsonNode parent = message.get("parent_id");
      if (parent != null && !parent.isNull()) {
        JsonNode parentMessage = messages.get(parent.stringValue());
        expect(parentMessage != null, at + ": parent not in the file");
        if (parentMessage != null) {
          boolean listed = false;
          for (JsonNode child : parentMessage.path("children_ids")) {
            listed |= child.asString("").equals(message.path("id").asString(""));
          }
          expect(listed, at + ": its parent does not list it as a child");
        }
      }
      for (JsonNode child : message.path("children_ids")) {
        JsonNode childMessage = messages.get(child.asString(""));
        expect(childMessage != null, at + ": child not in the file");
        if (childMessage != null) {
          expect(
              childMessage.path("parent_id").asString("").equals(message.path("id").asString("")),
              at + ": its child names another parent");
        }
      }
    }
  }

  /** The spec's section 6 normalization, written apart from the code under test. */
  static String hash(String content) throws Exception {
    String text = content.strip().toLowerCase(Locale.ROOT);
    text = Normalizer.normalize(text, Normalizer.Form.NFC);
    text = String.join(" ", text.trim().split("\\s+")).trim();
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    return "sha256:" + HexFormat.of().formatHex(digest);
  }

  private void members(String where, JsonNode node, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      broken.add(where + ": not an object");
      return;
    }
    for (String name : node.propertyNames()) {
      expect(allowed.contains(name), where + ": member " + name + " is not allowed");
    }
  }

  private void pattern(String where, JsonNode value, Pattern pattern) {
    expect(
        value != null && value.isString() && pattern.matcher(value.stringValue()).matches(),
        where + ": " + value);
  }

  private void time(String where, JsonNode value, boolean required) {
    if (value == null || value.isNull()) {
      expect(!required, where + " is required");
      return;
    }
    try {
      OffsetDateTime.parse(value.stringValue());
    } catch (DateTimeParseException | NullPointerException e) {
      broken.add(where + ": not a date-time: " + value);
    }
  }

  private void expect(boolean holds, String rule) {
    if (!holds) {
      broken.add(rule);
    }
  }
}
