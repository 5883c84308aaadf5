package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.TestEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Device linking as two people would do it, one device on each thread. */
final class Linking {
  static final char[] PASSPHRASE = "sync test passphrase".toCharArray();
  static final Duration WAIT = Duration.ofSeconds(30);

  private Linking() {}

  /**
   * A new device of {@code existing}'s vault in {@code directory}, linked for real: the existing
   * device shows a code and approves, the new device joins with the code and syncs once.
   */
  static DeviceJoin.Joined link(MemoryVault existing, String url, Path directory) throws Exception {
    return link(existing, url, url, directory);
  }

  /**
   * As {@link #link(MemoryVault, String, Path)}, the existing device approving through {@code
   * approverUrl} and the new one joining through {@code url}: two replicas of one server.
   */
  static DeviceJoin.Joined link(
      MemoryVault existing, String approverUrl, String url, Path directory) throws Exception {
    ExecutorService approver = Executors.newSingleThreadExecutor();
    try (SyncClient client = SyncClient.connect(existing, approverUrl)) {
      DeviceLinking linking = DeviceLinking.start(client);
      Future<String> approved = approver.submit(() -> linking.approve(WAIT));
      // The code travels as text, as a person would type it.
      PairingCode typed = PairingCode.parse(linking.code().toDisplayString().toLowerCase());
      DeviceJoin.Joined joined = DeviceJoin.withCode(directory, PASSPHRASE, url, typed, WAIT);
      assertEquals(
          TestEngines.engine(joined.vault()).deviceIdHex(), approved.get(30, TimeUnit.SECONDS));
      return joined;
    } finally {
      approver.shutdownNow();
    }
  }
}
