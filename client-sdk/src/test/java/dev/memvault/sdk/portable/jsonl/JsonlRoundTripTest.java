package dev.memvault.sdk.portable.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.TestEngines;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exporting a vault and importing the file into a new vault reproduces every live memory exactly:
 * ids, every revision, every field, fields of a newer version; forgotten memories stay out.
 */
class JsonlRoundTripTest {
  private static final char[] PASSPHRASE = "round trip passphrase".toCharArray();

  @TempDir static Path shared;
  @TempDir Path dir;

  private static long seed;
  private static MemoryVault source;

  @BeforeAll
  static void seedSource() {
    seed = SeededMemories.seed();
    source = MemoryVault.create(shared.resolve("source"), PASSPHRASE).vault();
    new SeededMemories(TestEngines.engine(source), seed).fill(24);
  }

  @AfterAll
  static void closeSource() {
    source.close();
  }

  @Test
  void exportThenImport_seededVault_newVaultHoldsTheSameMemoriesAndRevisions() {
    Map<String, List<Memory>> expected = everything(source);
    String export = export(new JsonlExporter(source));

    try (MemoryVault target = MemoryVault.create(dir.resolve("target"), PASSPHRASE).vault()) {
      ImportReport report = importText(target, export);

      assertEquals(new ImportReport(expected.size(), 0, 0, List.of()), report, context());
      Map<String, List<Memory>> imported = everything(target);
      assertEquals(List.copyOf(expected.keySet()), List.copyOf(imported.keySet()), context());
      assertEquals(expected, imported, context());
      assertTrue(
          expected.values().stream().anyMatch(revisions -> revisions.size() > 1),
          "the seed made no updates" + context());
      assertTrue(
          expected.values().stream()
              .anyMatch(revisions -> !revisions.get(0).getUnknownFields().asMap().isEmpty()),
          "no memory carries fields of a newer version" + context());
      assertEquals(
          export.lines().skip(1).toList(),
          export(new JsonlExporter(target)).lines().skip(1).toList());

      // Importing the same file again is a no-op.
      assertEquals(new ImportReport(0, expected.size(), 0, List.of()), importText(target, export));
      assertEquals(expected, everything(target), context());
    }
  }

  @Test
  void export_forgottenMemories_leftOut() {
    String export = export(new JsonlExporter(source));

    assertFalse(export.contains("never exported"), "a forgotten conversation's message");
    assertFalse(export.contains("forgotten chat"), "a forgotten conversation");
    assertFalse(export.contains("\"deleted\""), "a tombstone");
  }

  @Test
  void export_layout_headerThenOneLinePerMemoryThenEndLine() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:15:30.123Z"), ZoneOffset.UTC);
    List<String> lines = export(new JsonlExporter(source).withClock(clock)).lines().toList();
    int memories = everything(source).size();

    assertEquals(
        "{\"format\":\"memvault.v1\",\"version\":2,\"exported_at\":\"2026-11-28T10:15:30Z\"}",
        lines.get(0));
    assertEquals(memories + 2, lines.size());
    assertEquals("{\"end\":true,\"memories\":" + memories + "}", lines.get(lines.size() - 1));
    String conversationLine =
        lines.stream()
            .filter(line -> line.contains("\"kind\":\"CONVERSATION\""))
            .findFirst()
            .orElseThrow();
    assertTrue(conversationLine.startsWith("{\"id\":\""), conversationLine);
    assertTrue(conversationLine.contains("\"revisions\":[{\"id\":"), conversationLine);
    // Each revision once where its JSON form reads back as the same record; the binary form too
    // only on the lines of the seeded memories that hold fields of a newer version.
    assertFalse(conversationLine.contains("\"binary\""), conversationLine);
    for (String line : lines.subList(1, lines.size() - 1)) {
      assertEquals(line.contains("\"provider\":\"future\""), line.contains("\"binary\":[\""), line);
    }
    assertTrue(lines.stream().anyMatch(line -> line.contains("\"binary\":[\"")));
    assertTrue(
        conversationLine.contains("\"createdAt\":\""), "proto3 JSON names: " + conversationLine);
  }

  @Test
  void export_onlyScopes_holdsExactlyThoseScopes() {
    Map<String, List<Memory>> work = new LinkedHashMap<>(everything(source));
    work.values().removeIf(revisions -> !revisions.get(0).getScope().equals("work"));

    String export = export(new JsonlExporter(source).onlyScopes(List.of("work")));

    assertEquals(work.size() + 2, export.lines().count());
    for (String id : work.keySet()) {
      assertTrue(export.contains("{\"id\":\"" + id + "\""), id);
    }
    VaultException.UnknownItem unknown =
        assertThrows(
            VaultException.UnknownItem.class,
            () -> new JsonlExporter(source).onlyScopes(List.of("wrok")));
    assertTrue(unknown.getMessage().contains("no scope named 'wrok'"), unknown.getMessage());
  }

  @Test
  void writeToFile_existingFile_refusedUnlessReplaceAndNoPartialFileLeft() throws Exception {
    Path file = dir.resolve("memories.jsonl");
    Files.writeString(file, "keep me");

    assertThrows(
        VaultException.AlreadyExists.class,
        () -> new JsonlExporter(source).writeToFile(file, false));
    assertEquals("keep me", Files.readString(file));

    long count = new JsonlExporter(source).writeToFile(file, true);

    assertEquals(everything(source).size(), count);
    assertTrue(Files.readString(file).startsWith("{\"format\":\"memvault.v1\""));
    assertEquals(List.of(file), Files.list(dir).toList(), "no temporary file is left");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  private static String export(JsonlExporter exporter) {
    StringWriter out = new StringWriter();
    exporter.writeTo(out);
    return out.toString();
  }

  private static ImportReport importText(MemoryVault vault, String text) {
    return new JsonlImporter(vault)
        .importFrom(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
  }

  /** Every live memory with its revisions, by id, in export order. */
  static Map<String, List<Memory>> everything(MemoryVault vault) {
    Map<String, List<Memory>> all = new LinkedHashMap<>();
    TestEngines.engine(vault).exportAll(revisions -> all.put(revisions.get(0).getId(), revisions));
    assertTrue(
        all.values().stream().anyMatch(r -> r.get(0).getKind() == Kind.MESSAGE) || all.isEmpty(),
        "messages are part of the export");
    return all;
  }

  private static String context() {
    return " [seed " + seed + ", rerun with -Dmemvault.seed=" + seed + "]";
  }
}
