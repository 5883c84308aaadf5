package dev.memvault.bench;

import dev.memvault.core.vault.Selection;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.DeviceJoin;
import dev.memvault.sdk.sync.SyncClient;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Initial sync of a vault's memories to a new device. Device A creates the vault, adds the memories
 * (timed: the local baseline) and pushes them with SyncClient (setup). Then a new device B joins
 * with a pairing code that A approves, as {@code memvault device link} and {@code memvault join}
 * do, and makes its first sync: the whole log pulled, every entry checked against the device chain
 * and its signature, decrypted, stored and indexed. Timed: from A opening the pairing to B's first
 * sync returning.
 */
final class InitialSyncBenchmark {
  record Result(
      int memories,
      long storedBytes,
      long addNanos,
      long pushNanos,
      long joinNanos,
      int pulled,
      int revisionsApplied,
      int searchHits) {}

  private InitialSyncBenchmark() {}

  static Result run(Path serverJar, Path directory, Corpus corpus, long firstDocument, int memories)
      throws IOException {
    // Setup pushes 100,000 changes from one device; the default rate (500 changes/s after a
    // burst of 5,000) would make that take minutes. The measured part, B's pull, has no rate.
    ServerProcess server =
        ServerProcess.embedded(
            serverJar,
            directory.resolve("server"),
            directory.resolve("server.log"),
            SyncBenchMain.UNLIMITED);
    try (BenchDevice a = BenchDevice.create(directory.resolve("device-a"))) {
      DeviceSession.register(a.vault(), server.url());
      BenchMain.progress("initial sync: device A adds " + memories + " memories");
      long addStart = System.nanoTime();
      a.addMemories(corpus, firstDocument, memories);
      long addNanos = System.nanoTime() - addStart;

      BenchMain.progress("initial sync: device A pushes them");
      long pushStart = System.nanoTime();
      try (SyncClient client = SyncClient.connect(a.vault(), server.url())) {
        client.sync();
      }
      long pushNanos = System.nanoTime() - pushStart;

      BenchMain.progress("initial sync: device B joins and makes its first sync");
      long joinStart = System.nanoTime();
      DeviceJoin.Joined joined =
          DeviceSession.join(a.vault(), server.url(), directory.resolve("device-b"));
      long joinNanos = System.nanoTime() - joinStart;
      try (MemoryVault b = joined.vault()) {
        // A search on B shows the memories were indexed, not only stored: for the most common
        // word search accepts alone (the most common tokens are stop words).
        int rank = 0;
        while (!corpus.isPlainQueryTerm(rank)) {
          rank++;
        }
        int hits = b.search(corpus.token(rank), Selection.all().limitedTo(10)).size();
        return new Result(
            memories,
            server.metric("memvault_store_bytes"),
            addNanos,
            pushNanos,
            joinNanos,
            joined.firstSync().pulled(),
            joined.firstSync().revisionsApplied(),
            hits);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      server.close();
    }
  }
}
