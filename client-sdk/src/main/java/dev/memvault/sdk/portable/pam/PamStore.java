package dev.memvault.sdk.portable.pam;

import dev.memvault.core.VaultException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A PAM {@code memory-store.json} checked whole before anything is imported: the schema and its
 * major version, every memory's required fields, its content hash, the integrity block, the
 * relations' ends and an Ed25519 signature when there is one. A file that breaks any of these is
 * refused with one sentence naming the first fault, so a damaged or altered export changes nothing
 * in the vault.
 *
 * <p>The store is read as a stream, never whole: checking it holds an id and a place per memory
 * (and the relations and conversations index), and {@link #forEachMemory} reads the memories again
 * one at a time. So a store of any size is imported in a bounded heap.
 *
 * @param memoryCount the number of memories, retracted ones included
 * @param bytesDigest the SHA-256 of the file's bytes as they were checked
 * @param relations in file order
 * @param conversations the conversations index, in file order
 */
record PamStore(
    Path file,
    String name,
    PamImportReport.Signature signature,
    int memoryCount,
    String bytesDigest,
    List<StoreRelation> relations,
    List<StoreConversation> conversations) {

  private static final Set<String> STATUSES =
      Set.of("active", "superseded", "deprecated", "retracted", "archived");
  private static final Set<String> RELATION_TYPES =
      Set.of("supports", "contradicts", "extends", "supersedes", "related_to", "derived_from");

  /** The top-level members a check reads whole; the big arrays are read an element at a time. */
  private static final Set<String> HEADER_MEMBERS =
      Set.of(
          "schema",
          "schema_version",
          "owner",
          "export_id",
          "export_date",
          "integrity",
          "signature");

  /**
   * One memory object that passed the checks.
   *
   * @param number its place in {@code memories}, from 1
   * @param updatedAt null when the file has none
   */
  record StoreMemory(
      int number,
      String id,
      String type,
      String status,
      String content,
      String contentHash,
      String platform,
      Instant createdAt,
      Instant updatedAt,
      JsonNode node) {}

  /** A relation whose ends are memories of the file. */
  record StoreRelation(String from, String to, String type) {}

  /**
   * An entry of the conversations index.
   *
   * @param fileRef the conversation file's path relative to the store, or null when the entry keeps
   *     the conversation elsewhere (a database, a URI)
   */
  record StoreConversation(int number, String id, String fileRef) {}

  /**
   * Reads and checks {@code file}; {@code name} names it in messages.
   *
   * @throws VaultException.InvalidInput naming the first fault
   * @throws VaultException.NotFound if there is no such file
   */
  static PamStore read(Path file, String name) {
    Check check = new Check(name);
    String digest = StoreStream.walk(file, name, check);
    ObjectNode root = check.header;
    String schema = text(root, "schema");
    if (PamFormat.CONVERSATION_SCHEMA.equals(schema)) {
      throw bad(
          name
              + " is a PAM conversation file, not a memory store: give the export's directory or"
              + " its "
              + PamFormat.STORE_FILE);
    }
    if (!PamFormat.STORE_SCHEMA.equals(schema)) {
      throw bad(
          name
              + " is not a PAM memory store: its \"schema\" is "
              + (schema == null ? "missing" : "'" + schema + "'")
              + ", not '"
              + PamFormat.STORE_SCHEMA
              + "'");
    }
    String version = text(root, "schema_version");
    if (version == null || !PamFormat.VERSION_FORMAT.matcher(version).matches()) {
      throw bad(name + " has no valid \"schema_version\" (such as \"1.0\")");
    }
    if (!PamFormat.READABLE_VERSION.matcher(version).matches()) {
      throw bad(
          name
              + " is PAM version "
              + version
              + ", which this memvault cannot read (it reads version 1.x); upgrade memvault");
    }
    JsonNode owner = root.get("owner");
    if (owner == null || !owner.isObject() || nonEmpty(owner, "id") == null) {
      throw bad(name + " has no \"owner\" with an \"id\", which every PAM export has");
    }
    if (!check.memoriesArray) {
      throw bad(name + " has no \"memories\" array");
    }
    if (check.memoryFault != null) {
      throw check.memoryFault;
    }
    checkIntegrity(file, name, root.get("integrity"), check.ids.size(), check.places);
    PamImportReport.Signature signature = PamSignature.check(name, root);
    return new PamStore(
        file,
        name,
        signature,
        check.ids.size(),
        digest,
        relations(name, check.relations, check.relationsArray, check.ids),
        conversations(name, check.conversations, check.conversationsArray));
  }

  /**
   * Reads the memories again, in file order, each checked again, and hands each to {@code each}.
   *
   * @throws VaultException.InvalidInput if the file is no longer the one {@link #read} checked;
   *     thrown after the last memory, so that a caller writing in one transaction writes nothing
   */
  void forEachMemory(Consumer<StoreMemory> each) {
    String digest =
        StoreStream.walk(
            file,
            name,
            (member, parser) -> {
              if (member.equals("memories")) {
                StoreStream.forEachElement(
                    parser,
                    (number, value, offset, length) -> each.accept(memory(name, number, value)));
              } else {
                parser.skipChildren();
              }
            });
    if (!digest.equals(bytesDigest)) {
      throw bad(name + " changed while it was being imported; nothing was imported");
    }
  }

  /**
   * What one checking pass collects: the small members whole, an id and a place per memory, the
   * first fault of the memories (reported after the faults of the header, as a reader of the whole
   * file would), and the relations and index entries as they stand.
   */
  private static final class Check implements StoreStream.Members {
    private final String name;
    final ObjectNode header = Json.object();
    final Set<String> ids = new HashSet<>();
    final MemoryPlaces places = new MemoryPlaces();
    boolean memoriesArray;
    VaultException.InvalidInput memoryFault;
    boolean relationsArray = true;
    final List<RawRelation> relations = new ArrayList<>();
    boolean conversationsArray = true;
    final List<RawConversation> conversations = new ArrayList<>();

    Check(String name) {
      this.name = name;
    }

    @Override
    public void member(String member, JsonParser parser) {
      switch (member) {
        case "memories" -> memoriesArray = StoreStream.forEachElement(parser, this::memory);
        case "relations" -> {
          if (parser.currentToken() != JsonToken.VALUE_NULL) {
            relationsArray =
                StoreStream.forEachElement(
                    parser,
                    (number, value, offset, length) -> relations.add(RawRelation.of(value)));
          }
        }
        case "conversations_index" -> {
          if (parser.currentToken() != JsonToken.VALUE_NULL) {
            conversationsArray =
                StoreStream.forEachElement(
                    parser,
                    (number, value, offset, length) ->
                        conversations.add(RawConversation.of(number, value)));
          }
        }
        default -> {
          if (HEADER_MEMBERS.contains(member)) {
            header.set(member, parser.<JsonNode>readValueAsTree());
          } else {
            parser.skipChildren();
          }
        }
      }
    }

    private void memory(int number, JsonNode value, long offset, long length) {
      if (memoryFault != null) {
        return;
      }
      try {
        StoreMemory memory = PamStore.memory(name, number, value);
        if (!ids.add(memory.id())) {
          throw bad(name + ": memory " + number + " repeats id '" + memory.id() + "'");
        }
        places.add(memory.id(), offset, length);
      } catch (VaultException.InvalidInput e) {
        memoryFault = e;
      }
    }
  }

  /** A relation as the file has it: any member null that is missing or not a string. */
  private record RawRelation(String from, String to, String type) {
    static RawRelation of(JsonNode relation) {
      return relation.isObject()
          ? new RawRelation(text(relation, "from"), text(relation, "to"), text(relation, "type"))
          : new RawRelation(null, null, null);
    }
  }

  /** An entry of the conversations index as the file has it: its id null when it has none. */
  private record RawConversation(int number, String id, String fileRef) {
    static RawConversation of(int number, JsonNode entry) {
      String id = entry.isObject() ? nonEmpty(entry, "id") : null;
      JsonNode storage = entry.get("storage");
      String ref = null;
      if (storage != null && storage.isObject() && "file".equals(text(storage, "type"))) {
        ref = nonEmpty(storage, "ref");
      }
      return new RawConversation(number, id, ref);
    }
  }

  private static StoreMemory memory(String file, int number, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw bad(file + ": memory " + number + " is not a JSON object");
    }
    String id = nonEmpty(node, "id");
    if (id == null) {
      throw bad(file + ": memory " + number + " has no \"id\"");
    }
    String where = file + ": memory " + number + " (id " + id + ")";
    String type = text(node, "type");
    if (type == null || !PamTypes.TYPES.contains(type)) {
      throw bad(
          where
              + " has type "
              + (type == null ? "missing" : "'" + type + "'")
              + ", which is not one of PAM's types");
    }
    String customType = text(node, "custom_type");
    if (type.equals(PamTypes.CUSTOM) && (customType == null || customType.isEmpty())) {
      throw bad(where + " has type 'custom' but no \"custom_type\"");
    }
    if (!type.equals(PamTypes.CUSTOM) && node.hasNonNull("custom_type")) {
      throw bad(where + " has a \"custom_type\" but type '" + type + "'; only 'custom' has one");
    }
    String status = node.hasNonNull("status") ? text(node, "status") : "active";
    if (status == null || !STATUSES.contains(status)) {
      throw bad(where + " has a \"status\" that is not one of PAM's statuses");
    }
    String content = nonEmpty(node, "content");
    if (content == null) {
      throw bad(where + " has no \"content\"");
    }
    String hash = text(node, "content_hash");
    if (hash == null || !ContentHash.FORMAT.matcher(hash).matches()) {
      throw bad(where + " has no \"content_hash\" of the form sha256:<64 hex digits>");
    }
    String computed = ContentHash.of(content);
    if (!hash.equals(computed)) {
      throw bad(
          where
              + " has content_hash "
              + hash
              + ", but its content hashes to "
              + computed
              + ": the file was altered or damaged");
    }
    JsonNode temporal = node.get("temporal");
    if (temporal == null || !temporal.isObject()) {
      throw bad(where + " has no \"temporal\" block");
    }
    Instant created = time(temporal, "created_at", where);
    if (created == null) {
      throw bad(where + " has no \"temporal.created_at\"");
    }
    Instant updated = time(temporal, "updated_at", where);
    JsonNode provenance = node.get("provenance");
    String platform = provenance == null ? null : text(provenance, "platform");
    if (platform == null || !PamFormat.PLATFORM.matcher(platform).matches()) {
      throw bad(
          where
              + " has no \"provenance.platform\" of 2 to 32 lowercase letters, digits, '-' or '_'");
    }
    JsonNode tags = node.get("tags");
    if (tags != null && !tags.isNull()) {
      if (!tags.isArray()) {
        throw bad(where + " has \"tags\" that are not an array");
      }
      for (JsonNode tag : tags) {
        if (!tag.isString() || tag.stringValue().isEmpty()) {
          throw bad(where + " has a tag that is not a non-empty string");
        }
      }
    }
    return new StoreMemory(
        number, id, type, status, content, hash, platform, created, updated, node);
  }

  private static void checkIntegrity(
      Path file, String name, JsonNode integrity, int count, MemoryPlaces places) {
    if (integrity == null || integrity.isNull()) {
      return;
    }
    if (!integrity.isObject()) {
      throw bad(name + " has an \"integrity\" block that is not a JSON object");
    }
    String method = text(integrity, "canonicalization");
    if (integrity.hasNonNull("canonicalization") && !PamFormat.CANONICALIZATION.equals(method)) {
      throw bad(name + " uses canonicalization '" + method + "'; PAM 1.0 defines only RFC8785");
    }
    JsonNode total = integrity.get("total_memories");
    if (total == null || !total.isIntegralNumber()) {
      throw bad(name + " has an \"integrity\" block without \"total_memories\"");
    }
    if (total.longValue() != count) {
      throw bad(
          name
              + " says it holds "
              + total.longValue()
              + " memories but holds "
              + count
              + ": memories were added or removed after it was written");
    }
    String checksum = text(integrity, "checksum");
    if (checksum == null || !ContentHash.FORMAT.matcher(checksum).matches()) {
      throw bad(name + " has an \"integrity\" block without a sha256 \"checksum\"");
    }
    String computed;
    try {
      computed = places.checksum(file);
    } catch (IOException | JacksonException e) {
      throw bad(name + " changed while it was being checked; nothing was imported");
    }
    if (!checksum.equals(computed)) {
      throw bad(
          name
              + " fails its integrity check: its memories hash to "
              + computed
              + ", not to the recorded "
              + checksum
              + "; the file was altered or damaged");
    }
  }

  private static List<StoreRelation> relations(
      String file, List<RawRelation> raw, boolean array, Set<String> ids) {
    if (!array) {
      throw bad(file + " has \"relations\" that are not an array");
    }
    List<StoreRelation> relations = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      RawRelation relation = raw.get(i);
      String where = file + ": relation " + (i + 1);
      String from = relation.from();
      String to = relation.to();
      String type = relation.type();
      if (from == null || to == null || type == null || !RELATION_TYPES.contains(type)) {
        throw bad(where + " needs \"from\", \"to\" and one of PAM's relation types");
      }
      if (!ids.contains(from) || !ids.contains(to)) {
        throw bad(
            where
                + " joins '"
                + from
                + "' to '"
                + to
                + "', but the file holds no memory of "
                + (ids.contains(from) ? "the second" : "the first")
                + " id");
      }
      relations.add(new StoreRelation(from, to, type));
    }
    return List.copyOf(relations);
  }

  private static List<StoreConversation> conversations(
      String file, List<RawConversation> raw, boolean array) {
    if (!array) {
      throw bad(file + " has a \"conversations_index\" that is not an array");
    }
    List<StoreConversation> conversations = new ArrayList<>(raw.size());
    for (RawConversation entry : raw) {
      if (entry.id() == null) {
        throw bad(file + ": conversations_index entry " + entry.number() + " has no \"id\"");
      }
      conversations.add(new StoreConversation(entry.number(), entry.id(), entry.fileRef()));
    }
    return List.copyOf(conversations);
  }

  /** An ISO 8601 date-time member, or null when absent or null. */
  static Instant time(JsonNode node, String member, String where) {
    JsonNode value = node.get(member);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw bad(where + " has a \"" + member + "\" that is not a date-time string");
    }
    try {
      return OffsetDateTime.parse(value.stringValue()).toInstant();
    } catch (DateTimeParseException e) {
      throw bad(
          where
              + " has \""
              + member
              + "\" '"
              + value.stringValue()
              + "', which is not an ISO 8601 date-time such as 2026-02-15T22:00:00Z");
    }
  }

  static String text(JsonNode node, String member) {
    JsonNode value = node.get(member);
    return value != null && value.isString() ? value.stringValue() : null;
  }

  static String nonEmpty(JsonNode node, String member) {
    String value = text(node, member);
    return value == null || value.isEmpty() ? null : value;
  }

  private static VaultException.InvalidInput bad(String message) {
    return new VaultException.InvalidInput(message);
  }
}
