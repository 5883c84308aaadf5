package dev.memvault.server.store;

import static dev.memvault.server.store.Fixtures.ACCEPTED_AT;
import static dev.memvault.server.store.Fixtures.change;
import static dev.memvault.server.store.Fixtures.changes;
import static dev.memvault.server.store.Fixtures.vaultId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.protocol.LogChain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged append survives the server being killed (SIGKILL) mid-append, a batch is all or
 * nothing, and the chain still verifies. The appender is a real child JVM ({@link CrashAppender}),
 * which also shows that a second process cannot open a held data directory.
 */
class EmbeddedSyncStoreCrashTest {
  private static final int BATCH = 3;
  private static final int ACKED_BEFORE_KILL = 40;
  private static final StoreLimits LIMITS = new StoreLimits(Long.MAX_VALUE);

  @TempDir Path temp;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // only so that a hung child cannot hang the build
  void append_serverKilledMidAppend_everyAcknowledgedEntryPresentAndChainVerifies()
      throws Exception {
    Path data = temp.resolve("data");
    Path stderr = temp.resolve("child.err");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashAppender.class.getName(),
                data.toString(),
                Integer.toString(BATCH))
            .redirectError(stderr.toFile())
            .start();

    long lastAcked = 0;
    int acks = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acks < ACKED_BEFORE_KILL && (line = out.readLine()) != null) {
        if (line.startsWith("acked ")) {
          lastAcked = Long.parseLong(line.substring("acked ".length()));
          acks++;
          if (acks == 1) {
            IllegalStateException e =
                assertThrows(
                    IllegalStateException.class, () -> EmbeddedSyncStore.open(data, LIMITS));
            assertTrue(
                e.getMessage()
                    .contains(
                        "in use by another memvault sync server (process " + child.pid() + ")"),
                e.getMessage());
          }
        }
      }
      // The child is inside its next append (or about to be): kill it without warning.
      child.destroyForcibly();
      child.waitFor();
    }
    assertEquals(ACKED_BEFORE_KILL, acks, "the child stopped early: " + Files.readString(stderr));
    assertTrue(child.exitValue() != 0, "the child was killed, not finished");

    try (SyncStore store = EmbeddedSyncStore.open(data, LIMITS)) {
      List<LogEntry> all = store.read(vaultId(1), 0, Integer.MAX_VALUE);
      assertTrue(all.size() >= lastAcked, all.size() + " entries, " + lastAcked + " acknowledged");
      assertEquals(0, all.size() % BATCH, "a batch is partly there: " + all.size() + " entries");
      for (LogEntry entry : all) {
        assertEquals(change(entry.getSeq()), entry.getChange());
      }
      LogChain.verifyExtends(LogChain.emptyHead(), all, vaultId(1));
      System.out.println(lastAcked + " acknowledged, " + all.size() + " on disk after the kill");

      long next = all.size() + 1;
      List<LogEntry> after = store.append(vaultId(1), changes(next, next + 1), ACCEPTED_AT);
      assertEquals(next + 1, after.get(1).getSeq());
      LogChain.verifyExtends(SyncStoreContract.headOf(all.get(all.size() - 1)), after, vaultId(1));
    }
  }
}
