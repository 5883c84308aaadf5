package dev.memvault.bench;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Selection;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

/**
 * Initial sync of a vault's memories to a device that has none: the closest equivalent of a new
 * device that can be built before device linking lands. Device A creates the vault, registers
 * and makes a backup while it is still empty; then it adds the memories and pushes them all with
 * SyncClient. Device B is a restore of that early backup: the same vault and keys, a new device
 * id, no memories. What is timed is B's sign-in, the whole Pull and, page by page, the checks and
 * {@code applyRemote} (decryption, storage, full-text indexing) of {@link LogApplier}.
 *
 * <p>Not timed, and not the same as a real join: B signs in with A's device key (a second device
 * cannot sign in yet), and a join would also have to fetch the vault keys from A first.
 */
final class InitialSyncBenchmark {
  record Result(
      int memories,
      long storedBytes,
      long addNanos,
      long pushNanos,
      int serverRestarts,
      LogApplier.Applied applied,
      long syncNanos,
      int searchHits) {}

  private InitialSyncBenchmark() {}

  static Result run(
      Path serverJar, Path directory, Corpus corpus, long firstDocument, int memories)
      throws IOException, InterruptedException, GeneralSecurityException {
    ServerProcess server =
        ServerProcess.embedded(
            serverJar, directory.resolve("server"), directory.resolve("server.log"));
    try (BenchDevice a = BenchDevice.create(directory.resolve("device-a"))) {
      DeviceSession.register(a.vault(), server.url());
      Path emptyBackup = directory.resolve("empty-vault.backup");
      a.vault().backup(emptyBackup);

      BenchMain.progress("initial sync: device A adds " + memories + " memories");
      long addStart = System.nanoTime();
      a.addMemories(corpus, firstDocument, memories);
      long addNanos = System.nanoTime() - addStart;

      BenchMain.progress("initial sync: device A pushes them");
      long pushStart = System.nanoTime();
      int restarts = 0;
      while (true) {
        try (SyncClient client = SyncClient.connect(a.vault(), server.url())) {
          client.sync();
          break;
        } catch (VaultException e) {
          if (e.getMessage() == null || !e.getMessage().contains("RATE_LIMITED")) {
            throw e;
          }
          // Setup only: the per-device rate (500 changes/s after a burst of 5,000, not settable
          // from the command line) would make this take minutes. Its buckets live in the
          // process, so a restarted server starts them full; what was pushed stays pushed.
          server = server.restart();
          restarts++;
        }
      }
      long pushNanos = System.nanoTime() - pushStart;

      try (MemoryVault b =
          MemoryVault.restore(emptyBackup, directory.resolve("device-b"), BenchDevice.PASSPHRASE)) {
        BenchMain.progress("initial sync: device B pulls and applies the log");
        ManagedChannel channel = DeviceSession.channel(server.port());
        try {
          long start = System.nanoTime();
          LogApplier.Applied applied =
              LogApplier.pullAll(
                  DeviceSession.blocking(channel, DeviceSession.signIn(channel, a.engine())),
                  b.engine(),
                  server.url());
          long syncNanos = System.nanoTime() - start;
          // A search on B shows the memories were indexed, not only stored.
          String word = corpus.token(0);
          int hits = b.search(word, Selection.all().limitedTo(10)).size();
          return new Result(
              memories,
              server.metric("memvault_store_bytes"),
              addNanos,
              pushNanos,
              restarts,
              applied,
              syncNanos,
              hits);
        } finally {
          channel.shutdownNow();
          channel.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      server.close();
    }
  }
}
