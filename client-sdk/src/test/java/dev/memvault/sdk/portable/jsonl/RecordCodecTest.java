package dev.memvault.sdk.portable.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.Timestamp;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
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
    String documented =
        Files.readAllLines(FORMAT_MD).stream()
            .filter(
                line ->
                    line.startsWith(
                        "{\"id\":\"017f22e2-79b0-7cc3-98c4-dc0c0c07398f\",\"revisions\":[{\"id\""))
            .findFirst()
            .orElseThrow();

    assertEquals(documented, RecordCodec.record(List.of(example)));
    assertEquals(
        new RecordCodec.Record(example.getId(), List.of(example)),
        RecordCodec.parseLine(documented));
    assertEquals(new RecordCodec.End(7), RecordCodec.parseLine(RecordCodec.end(7)));
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
