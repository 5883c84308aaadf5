package dev.memvault.sdk.portable.pam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.memvault.core.vault.SourceMatch;
import dev.memvault.core.vault.Uuid7;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.TestEngines;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A PAM export whose memory store is larger than the heap imports in a child JVM limited to 256 MB,
 * checked whole before anything is written, and a second import adds nothing. The export is written
 * with a streaming generator: memories of another tool and memories memvault exported (with their
 * {@code memvault} member), relations, conversation files, content hashes and the integrity
 * checksum as the spec defines them. Most of the store's bytes are a long {@code metadata} member
 * of memvault's own memories, which the importer checks (the checksum covers it) and drops, so that
 * the store outgrows the heap while the test stays quick.
 */
class LargePamImportTest {
  private static final int MEMORIES = 30_000;

  /** Every fourth memory is one memvault exported; the others come from another tool. */
  private static final int OWN_EVERY = 4;

  /** Every tenth memory of another tool supports the one two before it. */
  private static final int RELATION_EVERY = 10;

  private static final int NOTES_CHARS = 28_000;
  private static final int CONTENT_WORDS = 400;
  private static final int CONVERSATIONS = 200;
  private static final int MESSAGES = 6;
  private static final String HEAP = "-Xmx256m";
  private static final String[] WORDS = {"lisbon", "vault", "sync", "tea", "river", "piano"};
  private static final String[] TYPES = {"fact", "preference", "goal", "skill"};
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path temp;

  /** The ids the generator gave memvault's memories, by their number. */
  private final Map<Integer, String> ownIds = new HashMap<>();

  private int relations;

  @Test
  void storeLargerThanTheHeapAsATree_importsInA256MegabyteJvm_thenAddsNothing() throws Exception {
    Path export = temp.resolve("export");
    generate(export);
    Path store = export.resolve(PamFormat.STORE_FILE);
    assertTrue(
        Files.size(store) > 100L * 1024 * 1024, "the store must be large: " + Files.size(store));
    Path vaultDir = temp.resolve("vault");
    MemoryVault.create(vaultDir, "a passphrase".toCharArray()).vault().close();

    String first = importInSmallHeap(vaultDir, export);
    int messages = CONVERSATIONS * MESSAGES;
    assertEquals(
        "read="
            + MEMORIES
            + " added="
            + MEMORIES
            + " present=0 relations="
            + relations
            + " conversations="
            + CONVERSATIONS
            + "/0 messages="
            + messages
            + "/0 failed=0",
        first.strip());
    String second = importInSmallHeap(vaultDir, export);
    assertEquals(
        "read="
            + MEMORIES
            + " added=0 present="
            + MEMORIES
            + " relations=0"
            + " conversations=0/"
            + CONVERSATIONS
            + " messages=0/"
            + messages
            + " failed=0",
        second.strip());

    try (MemoryVault vault = MemoryVault.open(vaultDir, "a passphrase".toCharArray())) {
      int[] counts = new int[2];
      vault
          .exportSource()
          .exportAll(
              revisions -> {
                Kind kind = revisions.get(revisions.size() - 1).getKind();
                if (kind == Kind.CONVERSATION) {
                  counts[1]++;
                } else if (kind != Kind.MESSAGE) {
                  counts[0]++;
                }
              });
      assertEquals(MEMORIES, counts[0]);
      assertEquals(CONVERSATIONS, counts[1]);
      for (int i : new int[] {1, MEMORIES / 2 + 1, MEMORIES - 1}) {
        Memory memory = foreign(vault, i);
        assertEquals(content(i), memory.getText());
        assertEquals(PamTypes.kind(type(i)), memory.getKind());
        assertEquals(List.of("large", "batch" + i % 7), memory.getTagsList());
        assertEquals("mem-" + i, memory.getAttributesOrThrow("pam.id"));
      }
      Memory supporting = foreign(vault, RELATION_EVERY * 3 + 1);
      assertEquals(1, supporting.getLinksCount());
      assertEquals("supports", supporting.getLinks(0).getRelation());
      assertEquals(
          foreign(vault, RELATION_EVERY * 3 - 1).getId(), supporting.getLinks(0).getTargetId());
      for (int i : new int[] {0, MEMORIES / 2, MEMORIES - OWN_EVERY}) {
        Memory memory = vault.get(ownIds.get(i));
        assertEquals(content(i), memory.getText());
        assertEquals(Kind.PREFERENCE, memory.getKind());
        assertEquals(List.of("large", "Upper-Case"), memory.getTagsList());
        assertEquals("work", memory.getScope());
      }
    }
  }

  private static Memory foreign(MemoryVault vault, int number) {
    String hash = ContentHash.of(content(number));
    Optional<SourceMatch> match = TestEngines.engine(vault).findBySource("claude", hash);
    assertTrue(match.isPresent(), "memory " + number + " was not imported");
    return vault.get(match.get().id());
  }

  /**
   * Imports {@code export} into the vault at {@code vaultDir} in a child JVM limited to 256 MB and
   * returns what it printed; fails the test if the child fails or runs out of memory.
   */
  private String importInSmallHeap(Path vaultDir, Path export)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            HEAP,
            "-cp",
            System.getProperty("java.class.path"),
            LargePamImportMain.class.getName(),
            vaultDir.toString(),
            export.toString());
    Path output = Files.createTempFile(temp, "child-output", ".txt");
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean finished = child.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      child.destroyForcibly();
    }
    String printed = Files.readString(output);
    assertTrue(finished, "the import did not finish: " + printed);
    assertEquals(0, child.exitValue(), printed);
    return printed;
  }

  private static String type(int number) {
    return TYPES[number % TYPES.length];
  }

  /** The content of memory {@code number}; unique, so no two memories share a content hash. */
  private static String content(int number) {
    Random random = new Random(number);
    StringBuilder text = new StringBuilder("needle").append(number);
    for (int w = 0; w < CONTENT_WORDS; w++) {
      text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }

  /** Writes the export directory: conversation files, then the store, one memory at a time. */
  private void generate(Path directory) throws IOException {
    Files.createDirectories(directory.resolve(PamFormat.CONVERSATIONS_DIRECTORY));
    ArrayNode index = Json.array();
    for (int c = 0; c < CONVERSATIONS; c++) {
      String ref = PamFormat.CONVERSATIONS_DIRECTORY + "/conv-" + c + ".json";
      writeConversation(directory.resolve(ref), c);
      ObjectNode entry = index.addObject();
      entry.put("id", "conv-" + c);
      entry.put("platform", "claude");
      entry.put("title", "Conversation " + c);
      entry.put("message_count", MESSAGES);
      entry.putObject("temporal").put("created_at", START.toString());
      entry.putObject("storage").put("type", "file").put("ref", ref).put("format", "json");
    }
    Uuid7 uuids = new Uuid7(Clock.fixed(START, ZoneOffset.UTC), new SecureRandom());
    ArrayNode relationsNode = Json.array();
    String notes = "n".repeat(NOTES_CHARS);
    try (OutputStream out = Files.newOutputStream(directory.resolve(PamFormat.STORE_FILE));
        JsonGenerator json = PamFormat.MAPPER.createGenerator(out);
        CanonicalMemories canonical = new CanonicalMemories(temp.resolve("canonical"))) {
      json.writeStartObject();
      json.writeStringProperty("schema", PamFormat.STORE_SCHEMA);
      json.writeStringProperty("schema_version", PamFormat.VERSION);
      json.writeStringProperty("export_id", "large-export");
      json.writeStringProperty("exported_by", "large-generator/1.0.0");
      json.writeStringProperty("export_date", START.toString());
      json.writeName("owner");
      json.writeTree(Json.object().put("id", "owner-1"));
      json.writeName("memories");
      json.writeStartArray();
      for (int i = 0; i < MEMORIES; i++) {
        String content = content(i);
        ObjectNode memory;
        String id;
        if (i % OWN_EVERY == 0) {
          id = uuids.next().toString();
          ownIds.put(i, id);
          memory = MemoryObjects.toPam(ownMemory(id, content, i), null);
          ((ObjectNode) memory.get("metadata")).put("notes", notes);
        } else {
          id = "mem-" + i;
          memory = foreignMemory(id, content, i);
          if (i % RELATION_EVERY == 1 && i > RELATION_EVERY) {
            relationsNode
                .addObject()
                .put("id", "rel-" + i)
                .put("from", id)
                .put("to", "mem-" + (i - 2))
                .put("type", "supports");
            relations++;
          }
        }
        json.writeTree(memory);
        canonical.add(id, Jcs.canonicalBytes(memory));
      }
      json.writeEndArray();
      json.writeName("relations");
      json.writeTree(relationsNode);
      json.writeName("conversations_index");
      json.writeTree(index);
      json.writeName("integrity");
      json.writeTree(
          Json.object()
              .put("canonicalization", PamFormat.CANONICALIZATION)
              .put("checksum", canonical.checksum())
              .put("total_memories", canonical.count()));
      json.writeEndObject();
    }
  }

  private static Memory ownMemory(String id, String content, int number) {
    Timestamp created = Timestamps.of(START.plusSeconds(number));
    return Memory.newBuilder()
        .setId(id)
        .setScope("work")
        .setKind(Kind.PREFERENCE)
        .setText(content)
        .addTags("large")
        .addTags("Upper-Case")
        .setCreatedAt(created)
        .setUpdatedAt(created)
        .setRevision(1)
        .build();
  }

  private static ObjectNode foreignMemory(String id, String content, int number) {
    ObjectNode memory = Json.object();
    memory.put("id", id);
    memory.put("type", type(number));
    memory.put("status", "active");
    memory.put("content", content);
    memory.put("content_hash", ContentHash.of(content));
    memory.put("summary", "memory " + number);
    memory.putArray("tags").add("large").add("batch" + number % 7);
    memory
        .putObject("confidence")
        .put("initial", 0.9)
        .put("current", 0.75)
        .put("decay_model", "none");
    memory.putObject("temporal").put("created_at", START.plusSeconds(number).toString());
    memory
        .putObject("provenance")
        .put("platform", "claude")
        .put("conversation_ref", "conv-" + number % CONVERSATIONS)
        .put("extraction_method", "llm_inference")
        .put("extractor", "large-generator/1.0.0");
    memory.putObject("metadata").put("language", "en").put("domain", "work");
    return memory;
  }

  /** A conversation of another tool: a linear thread of {@link #MESSAGES} messages. */
  private static void writeConversation(Path file, int number) throws IOException {
    ObjectNode conversation = Json.object();
    conversation.put("schema", PamFormat.CONVERSATION_SCHEMA);
    conversation.put("schema_version", PamFormat.VERSION);
    conversation.put("id", "conv-" + number);
    conversation.putObject("provider").put("name", "claude");
    conversation.put("title", "Conversation " + number);
    conversation.putObject("temporal").put("created_at", START.toString());
    ArrayNode messages = conversation.putArray("messages");
    Random random = new Random(-number - 1L);
    for (int m = 0; m < MESSAGES; m++) {
      StringBuilder text = new StringBuilder("conversation" + number + " message" + m);
      for (int w = 0; w < 50; w++) {
        text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
      }
      ObjectNode message = messages.addObject();
      message.put("id", "m" + m);
      message.put("role", m % 2 == 0 ? "user" : "assistant");
      message.putObject("content").put("type", "text").put("text", text.toString());
      message.put("created_at", START.plusSeconds(m).toString());
    }
    PamFormat.MAPPER.writeValue(file.toFile(), conversation);
  }
}
