package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.ExportFormatException;
import dev.memvault.sdk.portable.provider.ImportOptions;
import dev.memvault.sdk.portable.provider.ImportProgress;
import dev.memvault.sdk.portable.provider.ImportSummary;
import dev.memvault.sdk.portable.provider.Provider;
import dev.memvault.sdk.portable.provider.ProviderImporter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Runs {@code import chatgpt}, {@code claude}, {@code gemini} and {@code grok}: imports the export,
 * prints the summary on stdout and, for a large file on a terminal, a progress bar on stderr.
 *
 * <p>Exit status: 0 when the file was read, even if some conversations failed (the summary lists
 * them); 1 when the file cannot be read as an export, or when not one conversation could be
 * imported.
 */
final class ProviderImportReport {
  /** Smaller inputs import in a few seconds: no bar. */
  static final long PROGRESS_FROM_BYTES = 20L * 1024 * 1024;

  private ProviderImportReport() {}

  static int run(VaultOptions vaultOptions, Provider provider, Path export, String scope) {
    CliContext context = vaultOptions.context();
    // Checked before the vault is opened, so a typo costs no key derivation.
    ImportOptions options = ImportOptions.defaults().withScope(scope).withApp("memvault-cli");
    if (!Files.exists(export)) {
      throw new VaultException.NotFound("no file " + export);
    }
    ProgressBar bar = new ProgressBar(context.err(), context.console() != null);
    try (MemoryVault vault = vaultOptions.open()) {
      ImportSummary summary;
      long started = System.nanoTime();
      try {
        summary = ProviderImporter.run(vault, provider, export, options.withProgress(bar));
      } catch (ExportFormatException e) {
        bar.finish();
        e.importedBefore()
            .filter(before -> before.conversationsRead() > 0)
            .ifPresent(before -> print(context.out(), before, export, true));
        throw e;
      }
      bar.finish();
      print(context.out(), summary, export, false);
      context.out().println(took(summary, System.nanoTime() - started));
      if (summary.allFailed()) {
        throw new VaultException(
            "none of the "
                + summary.conversationsRead()
                + " conversations in "
                + export
                + " could be imported; the reasons are listed above");
      }
    }
    return Main.OK;
  }

  static void print(PrintWriter out, ImportSummary summary, Path export, boolean stopped) {
    String provider = summary.provider().displayName();
    out.println(
        (stopped
                ? "Stopped reading the " + provider + " export "
                : "Imported the " + provider + " export ")
            + export
            + " into scope '"
            + summary.scope()
            + "'"
            + (stopped ? "; kept what was imported before the error:" : ":"));
    long conversationFailures = failures(summary, "conversation");
    // A loose memories.json or projects.json holds no conversations: no line says so.
    boolean onlyRemembered =
        summary.conversationsRead() == 0 && summary.projectsRead() + remembered(summary) > 0;
    if (!onlyRemembered) {
      out.println(
          "  conversations: "
              + summary.conversationsRead()
              + " read, "
              + summary.conversationsAdded()
              + " new, "
              + summary.conversationsUpdated()
              + " updated, "
              + summary.conversationsUnchanged()
              + " already present, "
              + conversationFailures
              + " failed");
      out.println(
          "  messages:      "
              + summary.messagesAdded()
              + " added, "
              + summary.messagesAlreadyPresent()
              + " already present");
      if (summary.messagesOnOtherBranches() > 0) {
        out.println(
            "  branches:      "
                + summary.messagesOnOtherBranches()
                + (summary.messagesOnOtherBranches() == 1 ? " message" : " messages")
                + " kept off the thread shown (edited prompts, regenerated answers)");
      }
      if (!summary.partsSkipped().isEmpty()) {
        out.println(
            "  skipped:       "
                + summary.describePartsSkipped()
                + " (no text to keep; the vault holds at most their names)");
      }
    }
    if (summary.projectsRead() > 0) {
      long projectFailures = failures(summary, "project");
      out.println(
          "  projects:      "
              + summary.projectsRead()
              + " read"
              + (projectFailures > 0 ? ", " + projectFailures + " failed" : ""));
    }
    if (summary.instructionsAdded() > 0) {
      out.println("  instructions:  " + summary.instructionsAdded() + " added");
    }
    if (remembered(summary) > 0) {
      out.println(
          "  memories:      "
              + summary.memoriesAdded()
              + " added, "
              + summary.memoriesUpdated()
              + " updated, "
              + summary.memoriesAlreadyPresent()
              + " already present (facts, preferences and notes)");
    }
    if (summary.conversationsForgotten() > 0) {
      out.println(
          "  left out:      "
              + summary.conversationsForgotten()
              + " forgotten in this vault earlier (forgotten memories are not brought back)");
    }
    if (!summary.failures().isEmpty()) {
      out.println("Failed; nothing of these was imported (numbered from 1 in file order):");
      for (ImportSummary.Failure failure : summary.failures()) {
        out.println("  " + failure.where() + ": " + failure.reason());
      }
    }
  }

  /** " took: 2.4 s (5,210 messages/s)": how long the import ran, and its pace. */
  static String took(ImportSummary summary, long nanos) {
    double seconds = nanos / 1e9;
    String line = String.format(Locale.ROOT, "  took:          %.1f s", seconds);
    int written = summary.messagesAdded() + summary.messagesAlreadyPresent();
    if (written > 0 && seconds > 0) {
      line += String.format(Locale.ROOT, " (%,.0f messages/s)", written / seconds);
    }
    return line;
  }

  private static int remembered(ImportSummary summary) {
    return summary.memoriesAdded() + summary.memoriesUpdated() + summary.memoriesAlreadyPresent();
  }

  private static long failures(ImportSummary summary, String item) {
    return summary.failures().stream().filter(f -> f.item().equals(item)).count();
  }

  /**
   * A one-line bar redrawn on stderr as the percentage of bytes read grows, with the conversations
   * read so far and their pace.
   */
  static final class ProgressBar implements ImportProgress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final long started;
    private int shownPercent = -1;
    private int conversations;

    ProgressBar(PrintWriter err, boolean terminal) {
      this(err, terminal, System::nanoTime);
    }

    ProgressBar(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
      this.err = err;
      this.terminal = terminal;
      this.nanoTime = nanoTime;
      this.started = nanoTime.getAsLong();
    }

    @Override
    public void conversationsRead(int count) {
      conversations = count;
    }

    @Override
    public void update(long bytesRead, long totalBytes) {
      if (!terminal || totalBytes < PROGRESS_FROM_BYTES) {
        return;
      }
      int percent = (int) Math.min(100, bytesRead * 100 / totalBytes);
      if (percent == shownPercent) {
        return;
      }
      shownPercent = percent;
      int filled = percent * WIDTH / 100;
      err.print(
          "\rimporting ["
              + "#".repeat(filled)
              + " ".repeat(WIDTH - filled)
              + "] "
              + percent
              + "% of "
              + totalBytes / (1024 * 1024)
              + " MB"
              + pace());
      err.flush();
    }

    /** ", 1,234 conversations (310/s)", or nothing before the first conversation. */
    private String pace() {
      if (conversations == 0) {
        return "";
      }
      double seconds = (nanoTime.getAsLong() - started) / 1e9;
      String count = String.format(Locale.ROOT, ", %,d conversations", conversations);
      return seconds <= 0
          ? count
          : count + String.format(Locale.ROOT, " (%,.0f/s)", conversations / seconds);
    }

    void finish() {
      if (shownPercent >= 0) {
        err.println();
        shownPercent = -1;
      }
    }
  }
}
