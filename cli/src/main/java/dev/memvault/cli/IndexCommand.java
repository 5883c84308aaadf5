package dev.memvault.cli;

import dev.memvault.core.meaning.MeaningIndexProgress;
import dev.memvault.core.meaning.MeaningIndexStatus;
import dev.memvault.sdk.MemoryVault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "index",
    description = {
      "Index memories for search by meaning, on this device.",
      "Each memory gets a vector from a language model that runs here (all-MiniLM-L6-v2);",
      "nothing leaves the device, and the vectors are stored only in the encrypted vault.",
      "Then search, context and the MCP tools also find memories that say what you look for",
      "in other words. Safe to stop (Ctrl-C) and run again: it goes on where it stopped.",
      "New memories are found by words at once, by meaning after the next index run",
      "(memvault mcp indexes them in the background). Set MEMVAULT_EMBEDDING_MODEL to a",
      "directory with a model.onnx and tokenizer.json to use another model."
    })
final class IndexCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(names = "--status", description = "Say how much is indexed, and index nothing.")
  boolean status;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open()) {
      if (!status) {
        Progress progress = new Progress(context, context.console() != null);
        long indexed = opened.indexMeaning(progress);
        progress.finish();
        context
            .out()
            .printf(
                "indexed %,d %s for search by meaning%n",
                indexed, indexed == 1 ? "memory" : "memories");
      }
      MeaningIndexStatus now = opened.meaningIndexStatus();
      long live = now.indexed() + now.pending();
      context
          .out()
          .printf(
              "%,d of %,d memories indexed for meaning (model %s)%n",
              now.indexed(), live, now.modelId());
      if (now.pending() > 0) {
        context.out().println("run 'memvault index' to index the other " + now.pending());
      }
    }
    return Main.OK;
  }

  /** A line redrawn on a terminal, and a line per 10% through a pipe, as memories are indexed. */
  private static final class Progress implements MeaningIndexProgress {
    private final CliContext context;
    private final boolean terminal;
    private long shownPercent = -1;
    private long nextLinePercent;

    Progress(CliContext context, boolean terminal) {
      this.context = context;
      this.terminal = terminal;
    }

    @Override
    public void indexed(long indexed, long total) {
      long percent = total == 0 ? 100 : indexed * 100 / total;
      if (percent == shownPercent || (!terminal && percent < nextLinePercent)) {
        return;
      }
      shownPercent = percent;
      nextLinePercent = percent / 10 * 10 + 10;
      String line =
          String.format(
              "indexing for meaning: %,d of %,d memories (%d%%)", indexed, total, percent);
      if (terminal) {
        context.err().print("\r" + line);
      } else {
        context.err().println("memvault: " + line);
      }
      context.err().flush();
    }

    void finish() {
      if (terminal && shownPercent >= 0) {
        context.err().println();
      }
    }
  }
}
