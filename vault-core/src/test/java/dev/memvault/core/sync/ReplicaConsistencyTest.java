package dev.memvault.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.MutableClock;
import dev.memvault.core.vault.Selection;
import dev.memvault.core.vault.Vault;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a replica checks of the server beyond the log chain: that each change it pushed sits in the
 * log where the server acknowledged it, and that no pulled change is stamped far ahead of its own
 * clock.
 */
class ReplicaConsistencyTest {
  private static final char[] PASSPHRASE = "consistency passphrase".toCharArray();
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @TempDir Path dir;

  private Path backup;

  /** A device of one shared vault (restored from its backup) whose clock reads {@code clock}. */
  private Vault vaultAt(String name, MutableClock clock) {
    if (backup == null) {
      try (Vault base = Vault.create(dir.resolve("base"), PASSPHRASE).vault()) {
        base.add(Drafts.note("work", "base memory"));
        backup = dir.resolve("base.mvbackup");
        base.backup(backup);
      }
    }
    Path directory = dir.resolve(name);
    Vault.restore(backup, directory, PASSPHRASE).close();
    return Vault.open(directory, PASSPHRASE, clock, new SecureRandom());
  }

  private static boolean holds(Vault vault, String text) {
    return vault.list(Selection.all()).stream().anyMatch(m -> m.getText().equals(text));
  }

  private static SyncCursor cursorAt(long seq) {
    return SyncCursor.start("http://127.0.0.1:1").withHead(seq, new byte[32]);
  }

  /** The pending changes as the server echoes them back at log positions from {@code first}. */
  private static List<RemoteChange> asPulled(Vault vault, List<OutboxEntry> pushed, long first) {
    List<RemoteChange> changes = new ArrayList<>();
    for (int i = 0; i < pushed.size(); i++) {
      OutboxEntry entry = pushed.get(i);
      changes.add(
          new RemoteChange(
              first + i,
              hashOf(first + i),
              entry.changeId(),
              vault.replica().deviceIdBytes(),
              entry.recordId(),
              entry.payload()));
    }
    return changes;
  }

  /** A made-up entry hash for log position {@code seq}. */
  private static byte[] hashOf(long seq) {
    byte[] hash = new byte[32];
    java.util.Arrays.fill(hash, (byte) seq);
    return hash;
  }

  private static List<Long> positions(long first, int count) {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      seqs.add(first + i);
    }
    return seqs;
  }

  @Test
  void acknowledge_ownChangesPulledWhereAcknowledged_confirmedAndNoneRequeued() {
    try (Vault laptop = vaultAt("laptop", new MutableClock(NOW))) {
      laptop.add(Drafts.note("work", "pushed and kept"));
      List<OutboxEntry> pushed = laptop.replica().pendingChanges(0, 100);
      laptop.replica().acknowledge(pushed, positions(5, pushed.size()));
      assertEquals(
          0, laptop.replica().pendingChangeCount(), "acknowledged changes leave the queue");

      laptop.replica().applyRemote(asPulled(laptop, pushed, 5), cursorAt(5 + pushed.size() - 1));

      assertEquals(0, laptop.replica().requeueUnconfirmed());
      assertEquals(0, laptop.replica().pendingChangeCount());
    }
  }

  @Test
  void requeueUnconfirmed_acknowledgedChangeTheLogLacks_queuedAgainUnderNewIds() {
    try (Vault laptop = vaultAt("laptop", new MutableClock(NOW))) {
      laptop.add(Drafts.note("work", "the server keeps this one"));
      laptop.add(Drafts.note("work", "the server withholds this one"));
      List<OutboxEntry> pushed = laptop.replica().pendingChanges(0, 100);
      assertEquals(2, pushed.size());
      laptop.replica().acknowledge(pushed, positions(5, pushed.size()));
      // The pull reaches the head and holds the first change only.
      laptop.replica().applyRemote(asPulled(laptop, pushed.subList(0, 1), 5), cursorAt(6));

      assertEquals(pushed.size() - 1, laptop.replica().requeueUnconfirmed());

      List<OutboxEntry> again = laptop.replica().pendingChanges(0, 100);
      assertEquals(pushed.size() - 1, again.size());
      OutboxEntry withheld = pushed.get(pushed.size() - 1);
      OutboxEntry requeued = again.get(again.size() - 1);
      assertTrue(Arrays.equals(withheld.payload(), requeued.payload()), "the same revision");
      assertFalse(
          Arrays.equals(withheld.changeId(), requeued.changeId()),
          "a new change id, or the lying server would answer with the position it never kept");
      assertEquals(0, laptop.replica().requeueUnconfirmed(), "nothing acknowledged waits any more");
    }
  }

  @Test
  void saveSyncCursor_anotherServersLog_acknowledgedChangesCountAsDeliveredThere() {
    try (Vault laptop = vaultAt("laptop", new MutableClock(NOW))) {
      laptop.add(Drafts.note("work", "acknowledged by the first server"));
      List<OutboxEntry> pushed = laptop.replica().pendingChanges(0, 100);
      laptop.replica().acknowledge(pushed, positions(5, pushed.size()));

      laptop.replica().saveSyncCursor(SyncCursor.start("http://127.0.0.1:2"));

      assertEquals(0, laptop.replica().requeueUnconfirmed(), "nothing to confirm in a new log");
      assertEquals(0, laptop.replica().pendingChangeCount(), "and nothing pushed again");
    }
  }

  @Test
  void applyRemote_ownChangeAtAnotherPositionThanAcknowledged_refusedAndNothingApplied() {
    try (Vault laptop = vaultAt("laptop", new MutableClock(NOW))) {
      laptop.add(Drafts.note("work", "acknowledged at 5"));
      List<OutboxEntry> pushed = laptop.replica().pendingChanges(0, 100);
      laptop.replica().acknowledge(pushed, positions(5, pushed.size()));

      VaultException e =
          assertThrows(
              VaultException.class,
              () -> laptop.replica().applyRemote(asPulled(laptop, pushed, 9), cursorAt(20)));

      assertTrue(e.getMessage().contains("acknowledged it at 5"), e.getMessage());
      assertEquals(
          0, laptop.replica().syncCursor().map(SyncCursor::seq).orElse(0L), "cursor unchanged");
      assertEquals(
          pushed.size(), laptop.replica().requeueUnconfirmed(), "still awaiting their pull");
    }
  }

  @Test
  void applyRemote_revisionStampedMoreThanADayAhead_refusedAndNothingApplied() {
    MutableClock phoneClock = new MutableClock(NOW);
    try (Vault laptop = vaultAt("laptop", new MutableClock(NOW.plus(Duration.ofDays(2))));
        Vault phone = vaultAt("phone", phoneClock)) {
      laptop.add(Drafts.note("work", "pinned in the future"));
      List<OutboxEntry> pushed = laptop.replica().pendingChanges(0, 100);
      List<RemoteChange> pulled = asPulled(laptop, pushed, 1);

      VaultException e =
          assertThrows(
              VaultException.class, () -> phone.replica().applyRemote(pulled, cursorAt(2)));

      assertTrue(e.getMessage().contains("more than a day ahead"), e.getMessage());
      assertTrue(e.getMessage().contains("nothing of this pull was applied"), e.getMessage());
      assertFalse(holds(phone, "pinned in the future"));
    }
  }

  @Test
  void applyRemote_revisionStampedWithinADayAhead_applied() {
    try (Vault laptop = vaultAt("laptop", new MutableClock(NOW.plus(Duration.ofHours(23))));
        Vault phone = vaultAt("phone", new MutableClock(NOW))) {
      laptop.add(Drafts.note("work", "a clock an hour fast is no attack"));
      List<RemoteChange> pulled = asPulled(laptop, laptop.replica().pendingChanges(0, 100), 1);
      phone.replica().applyRemote(pulled, cursorAt(2));

      assertTrue(holds(phone, "a clock an hour fast is no attack"));
    }
  }
}
