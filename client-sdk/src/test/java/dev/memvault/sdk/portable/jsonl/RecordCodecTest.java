package dev.memvault.sdk.portable.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.Source;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line layout against docs/FORMAT.md, and reading lines of any length. */
class RecordCodecTest {
  // Maven runs tests with the module directory (client-sdk/) as the working directory.
  private static final Path FORMAT_MD = Path.of("..", "docs", "FORMAT.md");

  @Test
  void record_formatDocExample_writtenAndReadAsDocumented() throws Exception {
    Timestamp created = Timestamp.newBuilder().setSeconds(1645557742L).build();
    Memory example =
        Memory.newBuilder()
            .setId("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
            .setScope("work")
            .setKind(Kind.PREFERENCE)
            .setText("Prefers metric units.")
            .addTags("units")
            .setSource(Source.newBuilder().setProvider("memvault").setApp("memvault-cli"))
            .setCreatedAt(created)
            .setUpdatedAt(created)
            .setRevision(1)
            .build();
    List<String> documented =
        Files.readAllLines(FORMAT_MD).stream()
            .filter(
                line ->
                    line.startsWith(
                        "{\"id\":\"017f22e2-79b0-7cc3-98c4-dc0c0c07398f\",\"revisions\":[{\"id\""))
            .toList();

    assertEquals(2, documented.size(), "the line as layout versions 2 and 1 write it");
    assertEquals(documented.get(0), RecordCodec.record(List.of(example)));
    assertEquals(documented.get(1), RecordCodec.recordWithBinary(List.of(example)));
    for (String line : documented) {
      assertEquals(
          new RecordCodec.Record(example.getId(), List.of(example)), RecordCodec.parseLine(line));
    }
    assertEquals(new RecordCodec.End(7), RecordCodec.parseLine(RecordCodec.end(7)));
  }

  @Test
  void record_knownFieldsOnly_eachRevisionWrittenOnceAsJson() throws Exception {
    Memory first = memory(1, "first wording");
    Memory second = memory(2, "second wording");

    String line = RecordCodec.record(List.of(first, second));

    assertFalse(line.contains("\"binary\""), line);
    assertEquals(1, line.split("second wording", -1).length - 1, line);
    assertEquals(
        new RecordCodec.Record(first.getId(), List.of(first, second)), RecordCodec.parseLine(line));
  }

  @Test
  void record_valueOfANewerEnum_stillOnceAsJsonAndReadBackTheSame() throws Exception {
    Memory newer =
        memory(1, "kind of part from a newer version").toBuilder()
            .setKind(Kind.MESSAGE)
            .setMessage(
                Message.newBuilder()
                    .setConversationId("017f22e2-79b0-7cc3-98c4-dc0c0c073990")
                    .addParts(Part.newBuilder().setTypeValue(99).setText("x")))
            .build();

    String line = RecordCodec.record(List.of(newer));

    assertFalse(line.contains("\"binary\""), line);
    assertEquals(
        new RecordCodec.Record(newer.getId(), List.of(newer)), RecordCodec.parseLine(line));
  }

  @Test
  void record_fieldsThisVersionDoesNotKnow_lineCarriesBinaryAndKeepsEveryByte() throws Exception {
    UnknownFieldSet nested =
        UnknownFieldSet.newBuilder()
            .addField(
                12,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFromUtf8("nested"))
                    .build())
            .build();
    Memory plain = memory(1, "known fields only");
    Memory newer =
        memory(2, "with a field of a newer version").toBuilder()
            .setSource(plain.getSource().toBuilder().setUnknownFields(nested))
            .build();

    String line = RecordCodec.record(List.of(plain, newer));

    assertTrue(line.contains("\"binary\":[\""), line);
    RecordCodec.Record read = (RecordCodec.Record) RecordCodec.parseLine(line);
    assertEquals(newer.toByteString(), read.revisions().get(1).toByteString());
  }

  @Test
  void parseLine_layoutVersion1LineWithBinary_readAsBefore() throws Exception {
    Memory revision = memory(1, "exported by layout version 1");

    String line = RecordCodec.recordWithBinary(List.of(revision));

    assertTrue(line.contains("\"binary\":[\""), line);
    assertEquals(
        new RecordCodec.Record(revision.getId(), List.of(revision)), RecordCodec.parseLine(line));
  }

  private static Memory memory(long revision, String text) {
    Timestamp created = Timestamp.newBuilder().setSeconds(1645557742L).build();
    return Memory.newBuilder()
        .setId("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
        .setScope("work")
        .setKind(Kind.NOTE)
        .setText(text)
        .setSource(Source.newBuilder().setProvider("memvault").setApp("memvault-cli"))
        .setCreatedAt(created)
        .setUpdatedAt(created)
        .setRevision(revision)
        .build();
  }

  @Test
  void lineReader_longLineAndCrLf_longOneSkippedOthersWhole() throws IOException {
    String text = "short\r\n" + "x".repeat(200_000) + "\nlast";
    LineReader lines = new LineReader(new StringReader(text), 100_000);

    assertEquals(new LineReader.Line(1, "short", false), lines.next());
    assertEquals(new LineReader.Line(2, "", true), lines.next());
    assertEquals(new LineReader.Line(3, "last", false), lines.next());
    assertNull(lines.next());
    assertEquals(3, lines.lastNumber());
  }
}
