package dev.memvault.sdk.portable.pam;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.VaultExport;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Exports a vault's live memories as a Portable AI Memory v1.0 export (docs/FORMAT.md, "PAM"): a
 * directory with {@code memory-store.json} and one {@code conversations/ID.json} per conversation,
 * valid against the spec's JSON Schemas, with content hashes, the RFC 8785 integrity checksum and a
 * consistent message DAG.
 *
 * <p>The export is NOT encrypted. The directory appears only once complete: it is written under a
 * hidden name beside it and renamed, and is readable by its owner only where the file system has
 * POSIX permissions. Forgotten memories are not exported; of a memory's revisions, the current one
 * is. The export is not signed.
 */
public final class PamExporter {
  private final VaultExport vault;
  private final String ownerId;
  private final Clock clock;
  private final Set<String> scopes;

  public PamExporter(MemoryVault vault) {
    this(
        vault.exportSource(), ownerId(vault.replica().vaultIdBytes()), Clock.systemUTC(), Set.of());
  }

  private PamExporter(VaultExport vault, String ownerId, Clock clock, Set<String> scopes) {
    this.vault = vault;
    this.ownerId = ownerId;
    this.clock = clock;
    this.scopes = scopes;
  }

  /** What an export wrote. */
  public record Result(int memories, int relations, int conversations, int messages) {}

  /**
   * Only memories in these scopes; none given means every scope.
   *
   * @throws VaultException.UnknownItem if the vault has no scope of one of the names
   */
  public PamExporter onlyScopes(List<String> names) {
    vault.requireScopes(names);
    return new PamExporter(vault, ownerId, clock, Set.copyOf(names));
  }

  /** The export time from {@code value} (tests). */
  public PamExporter withClock(Clock value) {
    return new PamExporter(vault, ownerId, value, scopes);
  }

  /**
   * The owner id of a vault's exports: stable across exports of one vault and devices, and not the
   * vault id itself, which would link the export to the vault's records on a sync server.
   */
  static String ownerId(byte[] vaultId) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update("memvault.v1.pam-owner".getBytes(StandardCharsets.UTF_8));
      byte[] digest = sha256.digest(vaultId);
      digest[6] = (byte) ((digest[6] & 0x0f) | 0x80); // version 8: custom, RFC 9562
      digest[8] = (byte) ((digest[8] & 0x3f) | 0x80);
      long high = 0;
      long low = 0;
      for (int i = 0; i < 8; i++) {
        high = (high << 8) | (digest[i] & 0xff);
        low = (low << 8) | (digest[i + 8] & 0xff);
      }
      return new UUID(high, low).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * Writes the export as directory {@code directory}, which must not exist or be empty.
   *
   * @throws VaultException.AlreadyExists if {@code directory} exists and is not empty
   * @throws VaultException.NotFound if its parent directory does not exist
   */
  public Result writeTo(Path directory) {
    Path target = directory.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (Files.exists(target) && !isEmptyDirectory(target)) {
      throw new VaultException.AlreadyExists(
          directory + " already exists and is not an empty directory; nothing was written");
    }
    if (parent == null || !Files.isDirectory(parent)) {
      throw new VaultException.NotFound("the directory of " + directory + " does not exist");
    }
    Path temporary = null;
    try {
      // On POSIX file systems a temporary directory is readable by its owner only.
      temporary = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
      Result result = write(temporary);
      if (Files.exists(target)) {
        Files.delete(target); // empty, checked above; a file put there since fails the move
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      temporary = null;
      return result;
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      throw new VaultException.AlreadyExists(
          directory + " already exists and is not an empty directory; nothing was written");
    } catch (IOException | UncheckedIOException | JacksonException e) {
      String reason =
          e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
      throw new VaultException(
          "cannot write " + directory + " (" + reason + "); nothing was written", e);
    } finally {
      if (temporary != null) {
        deleteQuietly(temporary);
      }
    }
  }

  /**
   * Writes the export in two passes over the vault, so that the heap holds the conversation headers
   * and a few ids per memory, never every memory: the first finds which memories and conversations
   * are exported and which conversation each memory links to; the second writes each memory as it
   * comes.
   */
  private Result write(Path directory) throws IOException {
    Catalog catalog = catalog();
    Files.createDirectory(directory.resolve(PamFormat.CONVERSATIONS_DIRECTORY));
    ArrayNode index = Json.array();
    int messages = 0;
    for (Memory conversation : catalog.conversations) {
      messages += writeConversation(directory, conversation, catalog, index.addObject());
    }

    Path store = directory.resolve(PamFormat.STORE_FILE);
    ArrayNode relations = Json.array();
    int memories;
    try (OutputStream out = Files.newOutputStream(store, StandardOpenOption.CREATE_NEW);
        JsonGenerator json =
            PamFormat.MAPPER.writer().withDefaultPrettyPrinter().createGenerator(out);
        CanonicalMemories canonical =
            new CanonicalMemories(directory.resolve(".memories.canonical"))) {
      json.writeStartObject();
      json.writeStringProperty("schema", PamFormat.STORE_SCHEMA);
      json.writeStringProperty("schema_version", PamFormat.VERSION);
      json.writeStringProperty("spec_uri", PamFormat.SPEC_URI);
      json.writeStringProperty("export_id", UUID.randomUUID().toString());
      json.writeStringProperty("exported_by", PamFormat.EXPORTED_BY);
      json.writeStringProperty(
          "export_date", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
      json.writeName("owner");
      json.writeTree(Json.object().put("id", ownerId));
      json.writeName("memories");
      json.writeStartArray();
      vault.exportAll(
          revisions -> {
            Memory memory = revisions.get(revisions.size() - 1);
            if (!catalog.memoryIds.contains(memory.getId())) {
              return;
            }
            ObjectNode object =
                MemoryObjects.toPam(memory, catalog.conversationRefs.get(memory.getId()));
            json.writeTree(object);
            canonical.add(memory.getId(), Jcs.canonicalBytes(object));
            addRelations(memory, catalog, relations);
          });
      json.writeEndArray();
      json.writeName("relations");
      json.writeTree(relations);
      json.writeName("conversations_index");
      json.writeTree(index);
      memories = canonical.count();
      json.writeName("integrity");
      json.writeTree(
          Json.object()
              .put("canonicalization", PamFormat.CANONICALIZATION)
              .put("checksum", canonical.checksum())
              .put("total_memories", memories));
      json.writeStringProperty("export_type", "full");
      json.writeEndObject();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    force(store);
    return new Result(memories, relations.size(), catalog.conversations.size(), messages);
  }

  /** What the first pass learns: the exported ids, the conversations and the memories' refs. */
  private static final class Catalog {
    final Set<String> memoryIds = new HashSet<>();
    final List<Memory> conversations = new ArrayList<>();
    final Map<String, String> conversationRefs = new HashMap<>();
    final Map<String, List<String>> derived = new HashMap<>();
  }

  private Catalog catalog() {
    Catalog catalog = new Catalog();
    Map<String, List<String>> conversationLinks = new HashMap<>();
    vault.exportAll(
        revisions -> {
          Memory current = revisions.get(revisions.size() - 1);
          if (!scopes.isEmpty() && !scopes.contains(current.getScope())) {
            return;
          }
          if (current.getKind() == Kind.CONVERSATION) {
            catalog.conversations.add(current);
          } else if (current.getKind() != Kind.MESSAGE) {
            catalog.memoryIds.add(current.getId());
            if (current.getLinksCount() > 0) {
              List<String> targets = new ArrayList<>(current.getLinksCount());
              current.getLinksList().forEach(link -> targets.add(link.getTargetId()));
              conversationLinks.put(current.getId(), targets);
            }
          }
        });
    Set<String> conversationIds = new HashSet<>();
    catalog.conversations.forEach(c -> conversationIds.add(c.getId()));
    conversationLinks.forEach(
        (memory, targets) ->
            targets.stream()
                .filter(conversationIds::contains)
                .findFirst()
                .ifPresent(
                    conversation -> {
                      catalog.conversationRefs.put(memory, conversation);
                      catalog
                          .derived
                          .computeIfAbsent(conversation, c -> new ArrayList<>())
                          .add(memory);
                    }));
    catalog.derived.values().forEach(list -> list.sort(Comparator.naturalOrder()));
    return catalog;
  }

  /** One relation per link of {@code memory} to another exported memory. */
  private static void addRelations(Memory memory, Catalog catalog, ArrayNode relations) {
    for (Link link : memory.getLinksList()) {
      if (catalog.memoryIds.contains(link.getTargetId())) {
        String type = MemoryObjects.relationType(link);
        relations
            .addObject()
            .put("id", memory.getId() + "/" + relations.size())
            .put("from", memory.getId())
            .put("to", link.getTargetId())
            .put("type", type == null ? "related_to" : type)
            .putNull("confidence")
            .put("created_at", Json.time(memory.getUpdatedAt()));
      }
    }
  }

  /** Writes a conversation's file and its index entry; returns its number of messages. */
  private int writeConversation(
      Path directory, Memory conversation, Catalog catalog, ObjectNode entry) throws IOException {
    List<Memory> thread = vault.messages(conversation.getId());
    ObjectNode file = ConversationObjects.toPam(conversation, thread);
    String ref = PamFormat.CONVERSATIONS_DIRECTORY + "/" + conversation.getId() + ".json";
    writeJson(directory.resolve(ref), file);
    entry.put("id", conversation.getId());
    entry.put("platform", Json.platform(conversation.getSource()));
    entry.put("title", ConversationObjects.title(conversation));
    entry.put("message_count", thread.size());
    ObjectNode temporal = entry.putObject("temporal");
    temporal.put("created_at", Json.time(conversation.getCreatedAt()));
    temporal.put("updated_at", Json.time(conversation.getUpdatedAt()));
    entry.set("tags", file.get("tags"));
    ArrayNode derivedMemories = entry.putArray("derived_memories");
    catalog.derived.getOrDefault(conversation.getId(), List.of()).forEach(derivedMemories::add);
    entry.putObject("storage").put("type", "file").put("ref", ref).put("format", "json");
    return thread.size();
  }

  /** The integrity checksum of a memories array (spec section 15.2). */
  static String checksum(JsonNode memories) {
    List<JsonNode> sorted = new ArrayList<>();
    memories.forEach(sorted::add);
    sorted.sort(Comparator.comparing(m -> m.path("id").asString("")));
    ArrayNode array = Json.array();
    sorted.forEach(array::add);
    return ContentHash.sha256(Jcs.canonicalBytes(array));
  }

  private static void writeJson(Path file, JsonNode node) throws IOException {
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
      PamFormat.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, node);
    }
    force(file);
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static boolean isEmptyDirectory(Path path) {
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path directory) {
    try (Stream<Path> walk = Files.walk(directory)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // A leftover hidden partial directory is harmless; the error that got here matters more.
    }
  }
}
