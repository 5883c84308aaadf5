package dev.memvault.sdk.portable.jsonl;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.VaultTransactions;
import dev.memvault.core.vault.Writes;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Imports a JSONL export (docs/FORMAT.md, "JSONL files") into a vault, reproducing each memory
 * exactly: its id, every revision, and fields this version does not know.
 *
 * <p>Guarantees: the file is read one line at a time, so memory use is bounded by the longest line,
 * not the file. Each memory is stored whole or not at all. A memory whose id the vault already
 * holds (imported before, or forgotten since) is skipped and counted, so importing the same file
 * twice changes nothing. A line that cannot be imported is reported with its number and reason, and
 * the import goes on with the next line. A file that stops before its end line is reported as cut
 * short.
 */
public final class JsonlImporter {
  // Memories are stored in batches, each in one transaction, so that a large import does not
  // wait for a disk flush per memory; a batch that a memory spoils is redone one by one.
  private static final int BATCH_MEMORIES = 256;
  private static final long BATCH_CHARS = 16L * 1024 * 1024;

  private final VaultTransactions vault;

  public JsonlImporter(MemoryVault vault) {
    this.vault = vault.transactions();
  }

  /**
   * Imports the file at {@code file}.
   *
   * @throws VaultException.NotFound if there is no such file
   * @throws VaultException.InvalidInput if it is not a memvault export this version reads (no
   *     memory is imported then)
   */
  public ImportReport importFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return importFrom(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new VaultException.NotFound("there is no file " + file);
    } catch (IOException e) {
      throw new VaultException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Imports from a stream of UTF-8 text; {@code name} names it in messages (a file name, "standard
   * input").
   *
   * @throws VaultException.InvalidInput if it is not a memvault export this version reads (no
   *     memory is imported then)
   */
  public ImportReport importFrom(InputStream in, String name) {
    Reader reader =
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    return new Run(name, new LineReader(reader, JsonlFormat.MAX_LINE_CHARS)).execute();
  }

  /** One import: the counts so far and the memories waiting for their transaction. */
  private final class Run {
    private final String name;
    private final LineReader lines;
    private final List<ImportReport.Failure> failures = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private long pendingChars;
    private long imported;
    private long skipped;
    private long memoryLines;
    private long failed;

    /** A memory that was read and checked and waits to be stored. */
    private record Pending(long line, RecordCodec.Record record) {}

    Run(String name, LineReader lines) {
      this.name = name;
      this.lines = lines;
    }

    ImportReport execute() {
      readHeader();
      RecordCodec.End end = null;
      long endLine = 0;
      boolean stopped = false;
      while (true) {
        LineReader.Line line;
        try {
          line = lines.next();
        } catch (CharacterCodingException e) {
          // The decoder reads ahead, so the bad bytes are on this line or a later one.
          fail(
              lines.lastNumber() + 1,
              "or a line after it is not UTF-8 text; reading stopped there");
          stopped = true;
          break;
        } catch (IOException e) {
          fail(
              lines.lastNumber() + 1,
              "could not be read (" + e.getMessage() + "); reading stopped there");
          stopped = true;
          break;
        }
        if (line == null) {
          break;
        }
        if (!line.tooLong() && line.text().isBlank()) {
          continue;
        }
        if (end != null) {
          fail(line.number(), "follows the end line; nothing after the end line was read");
          break;
        }
        if (line.tooLong()) {
          memoryLines++;
          fail(line.number(), "is longer than " + JsonlFormat.MAX_LINE_CHARS + " characters");
          continue;
        }
        RecordCodec.Parsed parsed;
        try {
          parsed = RecordCodec.parseLine(line.text());
        } catch (RecordCodec.BadLineException e) {
          memoryLines++;
          fail(line.number(), e.getMessage());
          continue;
        }
        if (parsed instanceof RecordCodec.End found) {
          end = found;
          endLine = line.number();
        } else {
          memoryLines++;
          queue(line.number(), (RecordCodec.Record) parsed, line.text().length());
        }
      }
      flush();
      if (end == null && !stopped) {
        fail(
            lines.lastNumber() + 1,
            "should be the end line, but the file stops before it: it was cut short; import the"
                + " complete file (memories imported now are skipped then)");
      } else if (end != null && end.memories() != memoryLines) {
        fail(
            endLine,
            "counts "
                + end.memories()
                + " memories, but the file has "
                + memoryLines
                + " memory lines: it was cut or edited");
      }
      failures.sort(Comparator.comparingLong(ImportReport.Failure::line));
      return new ImportReport(imported, skipped, failed, failures);
    }

    private void readHeader() {
      LineReader.Line first;
      try {
        first = lines.next();
      } catch (IOException e) {
        throw new VaultException.InvalidInput(name + " is not UTF-8 text or cannot be read");
      }
      if (first == null) {
        throw new VaultException.InvalidInput(name + " is empty: it is not a memvault export");
      }
      String text = first.text();
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      try {
        RecordCodec.parseHeader(text);
      } catch (RecordCodec.BadLineException e) {
        throw new VaultException.InvalidInput(name + " " + e.getMessage());
      }
    }

    private void queue(long line, RecordCodec.Record record, int chars) {
      pending.add(new Pending(line, record));
      pendingChars += chars;
      if (pending.size() >= BATCH_MEMORIES || pendingChars >= BATCH_CHARS) {
        flush();
      }
    }

    private void flush() {
      if (pending.isEmpty()) {
        return;
      }
      List<Pending> batch = List.copyOf(pending);
      pending.clear();
      pendingChars = 0;
      try {
        List<Boolean> stored = vault.write(writes -> restoreAll(writes, batch));
        count(stored);
      } catch (VaultException.InvalidInput refused) {
        if (batch.size() == 1) {
          refuse(batch.get(0), refused);
          return;
        }
        for (Pending one : batch) {
          try {
            count(vault.write(writes -> restoreAll(writes, List.of(one))));
          } catch (VaultException.InvalidInput e) {
            refuse(one, e);
          }
        }
      }
    }

    private List<Boolean> restoreAll(Writes writes, List<Pending> batch) {
      List<Boolean> stored = new ArrayList<>(batch.size());
      for (Pending one : batch) {
        stored.add(writes.restore(one.record().revisions()));
      }
      return stored;
    }

    private void count(List<Boolean> stored) {
      for (boolean added : stored) {
        if (added) {
          imported++;
        } else {
          skipped++;
        }
      }
    }

    private void refuse(Pending one, VaultException.InvalidInput e) {
      fail(one.line(), "(memory " + one.record().id() + ") was refused: " + e.getMessage());
    }

    private void fail(long line, String reason) {
      failed++;
      if (failures.size() < ImportReport.MAX_LISTED_FAILURES) {
        failures.add(new ImportReport.Failure(line, reason));
      }
    }
  }
}
