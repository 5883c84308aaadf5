package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.core.backup.BackupOptions;
import dev.memvault.core.backup.BackupProgress;
import dev.memvault.sdk.MemoryVault;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Write the whole vault to one encrypted backup file.",
      "",
      "The file holds every scope and scope key, every memory with its history, and the",
      "forgotten ones' tombstones, encrypted and authenticated as a whole: a changed,",
      "truncated or extended file restores nothing. It opens with the passphrase current",
      "now, or with the recovery key. Restore it on any machine with 'memvault restore FILE'.",
      "",
      "The file appears only once it is complete. The passphrase comes from",
      "MEMVAULT_PASSPHRASE or a prompt. Progress is shown on a terminal for large vaults.",
      "",
      "Example: memvault backup -o ~/memvault-2025-06-01.mvbackup"
    })
final class BackupCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "The backup file to write. Refused if it exists, unless --force.")
  Path output;

  @Option(
      names = "--force",
      description = "Replace FILE if it exists; the old file stays until the new one is complete.")
  boolean force;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    // Refuse before asking for the passphrase; the vault checks again when it writes.
    if (!force && Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new VaultException.AlreadyExists(
          output + " already exists; nothing was written (use --force to replace it)");
    }
    BackupOptions options =
        force ? BackupOptions.defaults().replacingExisting() : BackupOptions.defaults();
    ProgressLine progress = context.console() == null ? null : new ProgressLine(context.err());
    if (progress != null) {
      options = options.withProgress(progress);
    }
    try (MemoryVault opened = vault.open()) {
      opened.backup(output, options);
    } finally {
      if (progress != null) {
        progress.finish();
      }
    }
    context.out().println("Backed up the vault to " + output);
    context
        .out()
        .println(
            "It opens with the current passphrase or the recovery key: memvault restore " + output);
    return Main.OK;
  }

  /**
   * One line on the terminal's standard error, redrawn in place, shown only once a backup has run
   * for a second: small vaults finish silently.
   */
  static final class ProgressLine implements BackupProgress {
    private static final long QUIET_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private final long started;
    private long lastShown;
    private boolean shown;

    ProgressLine(PrintWriter err) {
      this(err, System::nanoTime);
    }

    ProgressLine(PrintWriter err, LongSupplier nanoTime) {
      this.err = err;
      this.nanoTime = nanoTime;
      this.started = nanoTime.getAsLong();
    }

    @Override
    public void rowsCopied(long copied, long total) {
      long now = nanoTime.getAsLong();
      if (now - started < QUIET_NANOS
          || (shown && now - lastShown < REDRAW_NANOS && copied < total)) {
        return;
      }
      long percent = total == 0 ? 100 : copied * 100 / total;
      err.print("\rbacking up: " + percent + "% (" + copied + " of " + total + " rows)");
      err.flush();
      shown = true;
      lastShown = now;
    }

    void finish() {
      if (shown) {
        err.println();
        err.flush();
      }
    }
  }
}
