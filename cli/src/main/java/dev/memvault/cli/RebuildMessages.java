package dev.memvault.cli;

import dev.memvault.core.vault.Vault;
import java.io.PrintWriter;

/**
 * Lines on stderr while a vault rebuilds its search index, once after an upgrade or a restore:
 * without them a large vault's first command would sit silent for seconds.
 */
final class RebuildMessages implements Vault.RebuildProgress {
  /** A line per this many memories, besides the first and the last. */
  private static final long EVERY = 20_000;

  private final PrintWriter err;
  private long nextLine;

  RebuildMessages(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void indexed(long indexed, long total) {
    if (indexed == 0) {
      err.printf(
          "memvault: rebuilding the search index once (after an upgrade or a restore): %,d"
              + " memories%n",
          total);
      nextLine = EVERY;
    } else if (indexed == total) {
      err.printf("memvault: search index rebuilt (%,d memories)%n", total);
    } else if (indexed >= nextLine) {
      err.printf("memvault: search index: %,d of %,d memories%n", indexed, total);
      nextLine = indexed + EVERY;
    }
    err.flush();
  }
}
