package dev.memvault.server.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link EmbeddedSyncStoreCrashTest}: appends batches of {@code batch} changes
 * to vault 1 in {@code dataDirectory} forever, printing {@code acked <seq>} once each append has
 * returned, until it is killed. Entry seq n always holds {@code Fixtures.change(n)}.
 */
public final class CrashAppender {
  private CrashAppender() {}

  public static void main(String[] args) {
    Path dataDirectory = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    try (SyncStore store = EmbeddedSyncStore.open(dataDirectory, new StoreLimits(Long.MAX_VALUE))) {
      store.registerVault(Fixtures.vaultId(1), Fixtures.device(1));
      long next = store.head(Fixtures.vaultId(1)).getSeq() + 1;
      while (true) {
        List<dev.memvault.proto.sync.v1.Change> changes = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          changes.add(Fixtures.change(next + i));
        }
        long seq =
            store
                .append(Fixtures.vaultId(1), changes, Fixtures.ACCEPTED_AT)
                .get(batch - 1)
                .getSeq();
        System.out.println("acked " + seq);
        System.out.flush();
        next += batch;
      }
    }
  }
}
