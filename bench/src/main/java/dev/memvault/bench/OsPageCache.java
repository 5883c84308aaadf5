package dev.memvault.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Writes the operating system's dirty pages to disk before a timed phase. Without it, the phase
 * that runs second pays for the first one's writeback (the kernel flushes the first store's pages
 * while the second one fsyncs): measured on the push benchmark, the side that went second lost up
 * to a quarter of its rate, whichever side it was.
 */
final class OsPageCache {
  private OsPageCache() {}

  /** Runs {@code sync}; where there is none (not Linux or macOS), does nothing. */
  static void flushDirtyPages() {
    try {
      Process sync = new ProcessBuilder("sync").inheritIO().start();
      if (!sync.waitFor(60, TimeUnit.SECONDS)) {
        sync.destroyForcibly();
      }
    } catch (IOException e) {
      // No sync command: the phases then run as they did before.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
