package dev.memvault.sdk.portable.pam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.TestEngines;
import dev.memvault.sdk.portable.provider.ImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * memvault -> PAM -> a fresh vault keeps every memory: its id, text, kind, scope, tags, attributes,
 * source, dates, revision number and links, conversations with their messages, parts and branches.
 * What PAM cannot carry (earlier revisions, embeddings, the sync clock) is the only difference. The
 * export keeps the spec's rules.
 */
class PamRoundTripTest {
  private static final char[] PASSPHRASE = "pam round trip passphrase".toCharArray();

  @TempDir static Path shared;
  @TempDir Path dir;

  private static long seed;
  private static MemoryVault source;

  @BeforeAll
  static void seedSource() {
    seed = SeededVault.seed();
    source = MemoryVault.create(shared.resolve("source"), PASSPHRASE).vault();
    new SeededVault(TestEngines.engine(source), seed).fill(30);
    // What every seed must cover, whatever it drew: a tag outside PAM's tag pattern, and a
    // memory with more than one revision.
    Memory covered =
        source.add(
            NewMemory.of("work", Kind.NOTE, "a tag PAM cannot hold as it is")
                .withTags(List.of("Upper-Case"))
                .withSource(Source.newBuilder().setProvider("memvault").setApp("cli").build()));
    source.update(covered.getId(), "a tag PAM cannot hold as it is, second revision");
  }

  @AfterAll
  static void closeSource() {
    source.close();
  }

  @Test
  void exportThenImport_seededVault_freshVaultKeepsEveryMemory() {
    Map<String, Memory> expected = current(source);
    Path export = dir.resolve("export");
    PamExporter.Result written = new PamExporter(source).writeTo(export);

    try (MemoryVault target = MemoryVault.create(dir.resolve("target"), PASSPHRASE).vault()) {
      PamImportReport report = new PamImporter(target).importFrom(export, ImportOptions.defaults());

      assertEquals(List.of(), report.failures(), context());
      assertEquals(written.memories(), report.memoriesAdded(), context());
      assertEquals(2, report.conversationsAdded(), context());
      assertEquals(written.messages(), report.messagesAdded(), context());
      Map<String, Memory> imported = current(target);
      assertEquals(expected.keySet(), imported.keySet(), context());
      for (String id : expected.keySet()) {
        assertEquals(portable(expected.get(id)), portable(imported.get(id)), id + context());
      }
      assertTrue(
          expected.values().stream().anyMatch(m -> m.getRevision() > 1),
          "the seed made no updates" + context());
      assertTrue(
          expected.values().stream().anyMatch(m -> m.getTagsList().contains("Upper-Case")),
          "no tag outside PAM's pattern" + context());
    }
  }

  @Test
  void importTwice_ownExport_secondAddsNothing() {
    Path export = dir.resolve("export");
    new PamExporter(source).writeTo(export);

    try (MemoryVault target = MemoryVault.create(dir.resolve("target"), PASSPHRASE).vault()) {
      PamImportReport first = new PamImporter(target).importFrom(export, ImportOptions.defaults());
      Map<String, Memory> afterFirst = current(target);
      PamImportReport second =
          new PamImporter(target)
              .importFrom(export.resolve("memory-store.json"), ImportOptions.defaults());

      assertEquals(0, second.memoriesAdded(), context());
      assertEquals(first.memoriesAdded(), second.memoriesAlreadyPresent(), context());
      assertEquals(0, second.messagesAdded(), context());
      assertEquals(2, second.conversationsUnchanged(), context());
      assertEquals(afterFirst, current(target), context());
    }
  }

  @Test
  void export_seededVault_keepsTheSpecsRules() throws Exception {
    Path export = dir.resolve("export");
    new PamExporter(source).writeTo(export);

    assertEquals(List.of(), SpecRules.check(export), context());
    JsonNode store = PamFormat.MAPPER.readTree(export.resolve("memory-store.json").toFile());
    assertEquals(
        store.get("integrity").get("checksum").stringValue(),
        PamExporter.checksum(store.get("memories")));
    assertTrue(store.get("relations").size() > 0, "no relation" + context());
    try (Stream<Path> files = Files.list(export.resolve("conversations"))) {
      assertEquals(2, files.count());
    }
  }

  @Test
  void export_forgottenMemories_leftOut() throws Exception {
    Path export = dir.resolve("export");
    PamExporter.Result written = new PamExporter(source).writeTo(export);
    long live =
        current(source).values().stream()
            .filter(m -> m.getKind() != Kind.CONVERSATION && m.getKind() != Kind.MESSAGE)
            .count();

    assertEquals(live, written.memories());
    JsonNode store = PamFormat.MAPPER.readTree(export.resolve("memory-store.json").toFile());
    assertEquals(live, store.get("memories").size());
    assertEquals(live, store.get("integrity").get("total_memories").longValue());
  }

  @Test
  void export_onlyScopes_holdsExactlyThoseScopes() throws Exception {
    Path export = dir.resolve("export");
    new PamExporter(source).onlyScopes(List.of("work")).writeTo(export);

    JsonNode store = PamFormat.MAPPER.readTree(export.resolve("memory-store.json").toFile());
    for (JsonNode memory : store.get("memories")) {
      assertEquals("work", memory.get("metadata").get("memvault").get("scope").stringValue());
    }
    assertThrows(
        VaultException.UnknownItem.class,
        () -> new PamExporter(source).onlyScopes(List.of("wrok")));
  }

  @Test
  void export_header_carriesVersionOwnerAndFixedDate() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:15:30.123Z"), ZoneOffset.UTC);
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    new PamExporter(source).withClock(clock).writeTo(first);
    new PamExporter(source).writeTo(second);

    JsonNode one = PamFormat.MAPPER.readTree(first.resolve("memory-store.json").toFile());
    JsonNode two = PamFormat.MAPPER.readTree(second.resolve("memory-store.json").toFile());
    assertEquals("portable-ai-memory", one.get("schema").stringValue());
    assertEquals("1.0", one.get("schema_version").stringValue());
    assertEquals("2026-11-28T10:15:30Z", one.get("export_date").stringValue());
    assertEquals(one.get("owner"), two.get("owner"), "one vault, one owner");
    assertFalse(
        one.get("owner").get("id").stringValue().contains(TestEngines.engine(source).vaultIdHex()),
        "the owner id is not the vault id");
    assertFalse(one.get("export_id").equals(two.get("export_id")), "each export has its own id");
  }

  @Test
  void writeTo_existingNonEmptyDirectory_refusedAndNothingLeft() throws Exception {
    Path export = dir.resolve("export");
    Files.createDirectories(export);
    Files.writeString(export.resolve("keep.txt"), "keep me");

    VaultException.AlreadyExists refused =
        assertThrows(
            VaultException.AlreadyExists.class, () -> new PamExporter(source).writeTo(export));

    assertTrue(refused.getMessage().contains("nothing was written"), refused.getMessage());
    assertEquals("keep me", Files.readString(export.resolve("keep.txt")));
    try (Stream<Path> entries = Files.list(dir)) {
      assertEquals(List.of(export), entries.toList(), "no partial directory left");
    }
  }

  @Test
  void writeTo_emptyDirectory_filledAndReadableByOwnerOnly() throws Exception {
    Path export = dir.resolve("export");
    Files.createDirectories(export);

    new PamExporter(source).writeTo(export);

    assertTrue(Files.isRegularFile(export.resolve("memory-store.json")));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(export)));
  }

  /** A memory without what PAM does not carry: earlier revisions, embeddings, the sync clock. */
  private static Memory portable(Memory memory) {
    return memory.toBuilder().clearEmbeddings().clearHlc().build();
  }

  private static Map<String, Memory> current(MemoryVault vault) {
    Map<String, Memory> memories = new LinkedHashMap<>();
    vault
        .exportSource()
        .exportAll(
            revisions -> {
              Memory last = revisions.get(revisions.size() - 1);
              memories.put(last.getId(), last);
            });
    return memories;
  }

  private static String context() {
    return " (seed " + seed + ")";
  }
}
