package dev.memvault.sdk.portable.jsonl;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.VaultExport;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * Exports a vault's live memories, with every revision, as a JSONL file (docs/FORMAT.md, "JSONL
 * files") that {@link JsonlImporter} turns back into the same memories in any vault.
 *
 * <p>The export is NOT encrypted: it holds every memory in plain text. A file is written readable
 * by its owner only where the file system has POSIX permissions. Forgotten memories are not
 * exported.
 */
public final class JsonlExporter {
  private final VaultExport vault;
  private final Clock clock;
  private final Set<String> scopes;

  public JsonlExporter(MemoryVault vault) {
    this(vault.exportSource(), Clock.systemUTC(), Set.of());
  }

  private JsonlExporter(VaultExport vault, Clock clock, Set<String> scopes) {
    this.vault = vault;
    this.clock = clock;
    this.scopes = scopes;
  }

  /**
   * Only memories in these scopes; none given means every scope.
   *
   * @throws VaultException.UnknownItem if the vault has no scope of one of the names
   */
  public JsonlExporter onlyScopes(List<String> names) {
    vault.requireScopes(names);
    return new JsonlExporter(vault, clock, Set.copyOf(names));
  }

  /** The header's export time from {@code value} (tests). */
  public JsonlExporter withClock(Clock value) {
    return new JsonlExporter(vault, value, scopes);
  }

  /**
   * Writes the export to {@code out} and flushes it; does not close it.
   *
   * @return the number of memories written
   * @throws UncheckedIOException if {@code out} fails
   */
  public long writeTo(Writer out) {
    try {
      out.write(RecordCodec.header(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
      out.write('\n');
      long[] count = {0};
      vault.exportAll(
          revisions -> {
            if (!scopes.isEmpty() && !scopes.contains(revisions.get(0).getScope())) {
              return;
            }
            write(out, RecordCodec.record(revisions));
            count[0]++;
          });
      out.write(RecordCodec.end(count[0]));
      out.write('\n');
      out.flush();
      return count[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the export to {@code file} through a temporary file in the same directory that is
   * renamed over it when complete, so that {@code file} is either the whole export or untouched.
   *
   * @param replace whether an existing {@code file} may be replaced
   * @return the number of memories written
   * @throws VaultException.AlreadyExists if {@code file} exists and {@code replace} is false
   */
  public long writeToFile(Path file, boolean replace) {
    Path target = file.toAbsolutePath().normalize();
    Path directory = target.getParent();
    if (Files.isDirectory(target)) {
      throw new VaultException.InvalidInput(file + " is a directory; name a file to write");
    }
    if (!replace && Files.exists(target)) {
      throw new VaultException.AlreadyExists(file + " already exists; nothing was written");
    }
    if (directory == null || !Files.isDirectory(directory)) {
      throw new VaultException.NotFound("the directory of " + file + " does not exist");
    }
    Path temporary = null;
    try {
      // createTempFile makes the file readable by its owner only on POSIX file systems.
      temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".partial");
      long count;
      try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        count = writeTo(out);
      }
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      if (replace) {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else if (Files.exists(target)) {
        throw new FileAlreadyExistsException(target.toString());
      } else {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      }
      temporary = null;
      return count;
    } catch (FileAlreadyExistsException e) {
      throw new VaultException.AlreadyExists(file + " already exists; nothing was written");
    } catch (IOException | UncheckedIOException e) {
      String reason =
          e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
      throw new VaultException(
          "cannot write " + file + " (" + reason + "); nothing was written", e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // A leftover hidden .partial file is harmless; the error that got here matters more.
        }
      }
    }
  }

  private static void write(Writer out, String line) {
    try {
      out.write(line);
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
