package dev.memvault.cli.mcp;

import dev.memvault.core.VaultException;
import dev.memvault.core.meaning.MeaningIndexProgress;
import dev.memvault.core.meaning.MeaningUnavailable;
import dev.memvault.sdk.MemoryVault;
import java.io.PrintWriter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Indexes the vault for search by meaning on a thread of its own while an MCP server runs: once at
 * start, and again after each write, so that what an assistant adds is found by meaning soon after.
 * A tool call never waits for it; the vault is locked only while a batch is read or stored.
 */
public final class BackgroundIndexer implements AutoCloseable {
  private final MemoryVault vault;
  private final PrintWriter log;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread indexer = new Thread(task, "memvault-meaning-index");
            indexer.setDaemon(true);
            indexer.setPriority(Thread.MIN_PRIORITY);
            return indexer;
          });
  private final AtomicBoolean queued = new AtomicBoolean();
  private final AtomicBoolean unavailableSaid = new AtomicBoolean();
  private final boolean enabled;

  /**
   * @param enabled false for an indexer that never runs
   */
  public BackgroundIndexer(MemoryVault vault, PrintWriter log, boolean enabled) {
    this.vault = vault;
    this.log = log;
    this.enabled = enabled;
  }

  /** Asks for a run; a run already waiting to start covers this request too. */
  public void request() {
    if (enabled && queued.compareAndSet(false, true)) {
      try {
        thread.execute(this::run);
      } catch (RejectedExecutionException closed) {
        queued.set(false);
      }
    }
  }

  private void run() {
    queued.set(false);
    try {
      long indexed = vault.indexMeaning(MeaningIndexProgress.NONE);
      if (indexed > 0) {
        log.println(
            "memvault mcp: indexed "
                + indexed
                + (indexed == 1 ? " memory" : " memories")
                + " for search by meaning");
      }
    } catch (MeaningUnavailable e) {
      if (unavailableSaid.compareAndSet(false, true)) {
        log.println("memvault mcp: searching by words only: " + e.getMessage());
      }
    } catch (VaultException | IllegalStateException e) {
      // The vault closed under a run that was stopping anyway, or failed: search keeps to words.
      log.println("memvault mcp: indexing for meaning stopped: " + e.getMessage());
    }
    log.flush();
  }

  /** Stops a run at its next batch and waits for it, so that the vault can close after. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
