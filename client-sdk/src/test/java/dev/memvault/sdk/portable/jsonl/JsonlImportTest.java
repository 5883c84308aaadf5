package dev.memvault.sdk.portable.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import dev.memvault.sdk.MemoryVault;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Import of damaged, cut, foreign and newer files: each bad line is reported by number and leaves
 * nothing behind, the good lines around it are imported, and fields of a newer version survive. The
 * tests share one vault; every test uses fresh ids.
 */
class JsonlImportTest {
  private static final String HEADER = RecordCodec.header(Instant.parse("2026-11-28T10:00:00Z"));

  @TempDir static Path shared;
  private static MemoryVault vault;

  @BeforeAll
  static void createVault() {
    vault =
        MemoryVault.create(shared.resolve("vault"), "import test passphrase".toCharArray()).vault();
  }

  @AfterAll
  static void closeVault() {
    vault.close();
  }

  static Stream<Arguments> badLines() {
    String id = UUID.randomUUID().toString();
    String other = UUID.randomUUID().toString();
    // Layout version 1 (binary on every line), which readers keep reading.
    String valid = RecordCodec.recordWithBinary(List.of(note(id, 1, "one")));
    return Stream.of(
        Arguments.of("bad JSON", id, valid.substring(0, valid.length() / 2), "is not valid JSON"),
        Arguments.of("not an object", id, "[\"" + id + "\"]", "is not a JSON object"),
        Arguments.of(
            "missing id", id, valid.replace("{\"id\":\"" + id + "\",", "{"), "has no \"id\""),
        Arguments.of(
            "id not canonical",
            id,
            valid.replace("{\"id\":\"" + id, "{\"id\":\"" + id.toUpperCase()),
            "is not a memory id"),
        Arguments.of(
            "no revisions", id, "{\"id\":\"" + id + "\",\"revisions\":[]}", "has no \"revisions\""),
        Arguments.of(
            "revisions out of order",
            id,
            RecordCodec.record(List.of(note(id, 2, "two"), note(id, 1, "one"))),
            "with revision 1 after 2"),
        Arguments.of(
            "revision of another memory",
            id,
            RecordCodec.record(List.of(note(id, 1, "one"), note(other, 2, "two"))),
            "has revisions entry 2 with id '" + other + "'"),
        Arguments.of(
            "tombstone",
            id,
            RecordCodec.record(
                List.of(note(id, 1, "one"), note(id, 2, "").toBuilder().setDeleted(true).build())),
            "is a tombstone"),
        Arguments.of(
            "scope changes",
            id,
            RecordCodec.record(
                List.of(
                    note(id, 1, "one"), note(id, 2, "two").toBuilder().setScope("home").build())),
            "changes the scope"),
        Arguments.of(
            "binary and JSON disagree",
            id,
            valid.replaceFirst("\"revision\":\"1\"", "\"revision\":\"5\""),
            "differs from its binary form"),
        Arguments.of(
            "binary not base64",
            id,
            valid.replaceFirst("\"binary\":\\[\"[^\"]*\"", "\"binary\":[\"not base64!\""),
            "is not valid base64"),
        Arguments.of(
            "binary not a memory",
            id,
            valid.replaceFirst("\"binary\":\\[\"[^\"]*\"", "\"binary\":[\"/////w==\""),
            "is not a serialized Memory"),
        Arguments.of(
            "kind of a newer version",
            id,
            RecordCodec.record(List.of(note(id, 1, "one").toBuilder().setKindValue(9).build())),
            "has kind 9, which this version of memvault cannot store; upgrade memvault"),
        Arguments.of(
            "refused by the vault",
            id,
            RecordCodec.record(
                List.of(note(id, 1, "one").toBuilder().setScope("Not Valid").build())),
            "was refused: scope 'Not Valid' is not valid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLines")
  void importFrom_badLineBetweenGoodOnes_namesTheLineAndStoresNothingOfIt(
      String name, String badId, String badLine, String reason) {
    Memory before = note(UUID.randomUUID().toString(), 1, "before");
    Memory after = note(UUID.randomUUID().toString(), 1, "after");

    ImportReport report =
        importText(
            lines(
                HEADER,
                RecordCodec.record(List.of(before)),
                badLine,
                RecordCodec.record(List.of(after)),
                RecordCodec.end(3)));

    assertEquals(2, report.imported(), report.toString());
    assertEquals(1, report.failed(), report.toString());
    ImportReport.Failure failure = report.failures().get(0);
    assertEquals(3, failure.line());
    assertTrue(failure.describe().startsWith("line 3 "), failure.describe());
    assertTrue(failure.reason().contains(reason), failure.reason());
    assertThrows(VaultException.UnknownItem.class, () -> vault.get(badId));
    assertEquals(before, vault.get(before.getId()));
    assertEquals(after, vault.get(after.getId()));
  }

  @Test
  void importFrom_fileCutInsideALine_importsTheWholeLinesAndReportsTheCut() {
    Memory first = note(UUID.randomUUID().toString(), 1, "first");
    Memory second = note(UUID.randomUUID().toString(), 1, "second");
    String whole =
        lines(
            HEADER,
            RecordCodec.record(List.of(first)),
            RecordCodec.record(List.of(second)),
            RecordCodec.end(2));
    String cut = whole.substring(0, whole.indexOf(second.getId()) + 10);

    ImportReport report = importText(cut);

    assertEquals(1, report.imported());
    assertEquals(2, report.failed());
    assertEquals(3, report.failures().get(0).line());
    assertTrue(report.failures().get(0).reason().contains("is not valid JSON"));
    assertEquals(4, report.failures().get(1).line());
    assertTrue(
        report.failures().get(1).reason().contains("cut short"), report.failures().get(1).reason());
    assertEquals(first, vault.get(first.getId()));
    assertThrows(VaultException.UnknownItem.class, () -> vault.get(second.getId()));
  }

  @Test
  void importFrom_fileCutAtALineEnd_reportsTheMissingEndLine() {
    Memory only = note(UUID.randomUUID().toString(), 1, "only");

    ImportReport report = importText(lines(HEADER, RecordCodec.record(List.of(only))));

    assertEquals(1, report.imported());
    assertEquals(
        List.of(new ImportReport.Failure(3, report.failures().get(0).reason())), report.failures());
    assertTrue(report.failures().get(0).describe().startsWith("line 3 should be the end line"));
  }

  @Test
  void importFrom_endLineCountsOtherNumber_reported() {
    ImportReport report =
        importText(
            lines(
                HEADER,
                RecordCodec.record(List.of(note(UUID.randomUUID().toString(), 1, "x"))),
                RecordCodec.end(5)));

    assertEquals(1, report.imported());
    assertEquals(1, report.failed());
    assertTrue(
        report
            .failures()
            .get(0)
            .describe()
            .startsWith("line 3 counts 5 memories, but the file has 1"));
  }

  @Test
  void importFrom_lineAfterEndLine_reportedAndNotRead() {
    Memory late = note(UUID.randomUUID().toString(), 1, "late");

    ImportReport report =
        importText(lines(HEADER, RecordCodec.end(0), RecordCodec.record(List.of(late))));

    assertEquals(0, report.imported());
    assertTrue(report.failures().get(0).describe().startsWith("line 3 follows the end line"));
    assertThrows(VaultException.UnknownItem.class, () -> vault.get(late.getId()));
  }

  @Test
  void importFrom_otherMajorFormat_refusedWholeWithUpgradeHint() {
    Memory memory = note(UUID.randomUUID().toString(), 1, "from the future");
    String file =
        lines(
            "{\"format\":\"memvault.v2\",\"version\":1}",
            RecordCodec.record(List.of(memory)),
            RecordCodec.end(1));

    VaultException.InvalidInput e =
        assertThrows(VaultException.InvalidInput.class, () -> importText(file));

    assertEquals(
        "test is in format memvault.v2, which this memvault cannot read; upgrade memvault",
        e.getMessage());
    assertThrows(VaultException.UnknownItem.class, () -> vault.get(memory.getId()));
  }

  @Test
  void importFrom_notAnExport_refused() {
    assertTrue(
        assertThrows(VaultException.InvalidInput.class, () -> importText("id,text\n1,hello\n"))
            .getMessage()
            .startsWith("test is not a memvault export"));
    assertTrue(
        assertThrows(
                VaultException.InvalidInput.class, () -> importText("{\"format\":\"other\"}\n"))
            .getMessage()
            .contains("its format is 'other'"));
    byte[] latin1 = (HEADER + "\n{\"id\":\"caf\u00e9\"}\n").getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(
        "test is not UTF-8 text or cannot be read",
        assertThrows(
                VaultException.InvalidInput.class,
                () -> new JsonlImporter(vault).importFrom(new ByteArrayInputStream(latin1), "test"))
            .getMessage());
    assertEquals(
        "test is empty: it is not a memvault export",
        assertThrows(VaultException.InvalidInput.class, () -> importText("")).getMessage());
    assertTrue(
        assertThrows(
                VaultException.InvalidInput.class,
                () -> importText("{\"format\":\"memvault.v1\"}\n"))
            .getMessage()
            .contains("\"version\" must be a whole number"));
  }

  @Test
  void importThenExport_newerVersionWithUnknownFields_everyByteSurvives() {
    String id = UUID.randomUUID().toString();
    Memory first =
        note(id, 1, "from a newer memvault").toBuilder()
            .setSource(
                Source.newBuilder()
                    .setProvider("memvault")
                    .setUnknownFields(unknown(12, ByteString.copyFromUtf8("nested field"))))
            .setUnknownFields(unknown(16, ByteString.copyFromUtf8("calm")))
            .build();
    Memory second = first.toBuilder().setRevision(2).setText("edited by a newer memvault").build();
    String line =
        RecordCodec.record(List.of(first, second))
            // What a newer writer adds: members this reader does not know, at every level.
            .replaceFirst("^\\{", "{\"signature\":{\"by\":\"device\"},")
            .replace("\"text\":\"from a newer", "\"mood\":\"calm\",\"text\":\"from a newer");
    String file =
        lines(
            "{\"format\":\"memvault.v1\",\"version\":3,\"exported_at\":\"2031-01-01T00:00:00Z\",\"compression\":\"none\"}",
            line,
            "{\"end\":true,\"memories\":1,\"checksum\":\"abc\"}");

    ImportReport report = importText(file);

    assertEquals(new ImportReport(1, 0, 0, List.of()), report);
    assertEquals(List.of(first, second), vault.history(id));
    StringWriter out = new StringWriter();
    new JsonlExporter(vault).writeTo(out);
    String exported =
        out.toString()
            .lines()
            .filter(l -> l.startsWith("{\"id\":\"" + id))
            .findFirst()
            .orElseThrow();
    for (Memory revision : List.of(first, second)) {
      String binary = Base64.getEncoder().encodeToString(revision.toByteArray());
      assertTrue(
          exported.contains("\"" + binary + "\""),
          "revision " + revision.getRevision() + " kept every byte");
    }
  }

  @Test
  void importFrom_handWrittenJsonWithoutBinary_readsTheReadableForm() {
    String id = UUID.randomUUID().toString();
    String line =
        "{\"id\":\""
            + id
            + "\",\"revisions\":[{\"id\":\""
            + id
            + "\",\"scope\":\"work\",\"kind\":\"FACT\","
            + "\"text\":\"written by hand\",\"tags\":[\"a\",\"b\"],\"attributes\":{\"k\":\"v\"},"
            + "\"createdAt\":\"2024-05-29T10:00:00.5Z\",\"updatedAt\":\"2024-05-29T10:00:00.5Z\","
            + "\"revision\":1,\"unknownMember\":{\"x\":[1,2]}}],\"note\":\"ignored\"}";

    // CRLF line ends and blank lines, as a file edited on another system may have.
    ImportReport report =
        importText(HEADER + "\r\n\r\n" + line + "\r\n" + RecordCodec.end(1) + "\r\n\r\n");

    assertEquals(new ImportReport(1, 0, 0, List.of()), report);
    Timestamp created =
        Timestamp.newBuilder().setSeconds(1716976800L).setNanos(500_000_000).build();
    assertEquals(
        Memory.newBuilder()
            .setId(id)
            .setScope("work")
            .setKind(Kind.FACT)
            .setText("written by hand")
            .addTags("a")
            .addTags("b")
            .putAttributes("k", "v")
            .setCreatedAt(created)
            .setUpdatedAt(created)
            .setRevision(1)
            .build(),
        vault.get(id));
  }

  private static Memory note(String id, long revision, String text) {
    Timestamp created = Timestamp.newBuilder().setSeconds(1_700_000_000L).build();
    return Memory.newBuilder()
        .setId(id)
        .setScope("work")
        .setKind(Kind.NOTE)
        .setText(text)
        .setCreatedAt(created)
        .setUpdatedAt(Timestamp.newBuilder().setSeconds(1_700_000_000L + revision))
        .setRevision(revision)
        .build();
  }

  private static UnknownFieldSet unknown(int number, ByteString value) {
    return UnknownFieldSet.newBuilder()
        .addField(number, UnknownFieldSet.Field.newBuilder().addLengthDelimited(value).build())
        .build();
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  private static ImportReport importText(String text) {
    return new JsonlImporter(vault)
        .importFrom(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
  }
}
