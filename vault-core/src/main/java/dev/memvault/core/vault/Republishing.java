package dev.memvault.core.vault;

import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.internal.sync.HybridClock;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Publishes this device's whole vault again as changes of its own, for a log that starts over
 * (README, "When the server lied"): every scope, and every memory, forgotten ones as tombstones, as
 * a new revision by this device with a fresh clock.
 *
 * <p>Why new revisions: a change in the log must be signed by the device its envelope names as
 * author, and the new log holds only this device's changes; a fresh clock makes each of them win
 * the merge against what other devices hold, which is what following this device's view means. What
 * each memory says, when it was last changed and its history here stay as they are.
 */
final class Republishing {
  private static final int PAGE = 500;

  private final MemoryRows memories;
  private final Records records;
  private final Scopes openScopes;
  private final Outbox outbox;
  private final SyncRows syncRows;
  private final HybridClock hlc;

  Republishing(
      MemoryRows memories,
      Records records,
      Scopes openScopes,
      Outbox outbox,
      SyncRows syncRows,
      HybridClock hlc) {
    this.memories = memories;
    this.records = records;
    this.openScopes = openScopes;
    this.outbox = outbox;
    this.syncRows = syncRows;
    this.hlc = hlc;
  }

  /** Queues the whole vault; returns how many memories. Runs inside the caller's transaction. */
  int republishAll() throws SQLException, GeneralSecurityException {
    // Every scope, deleted ones too: a forgotten memory's tombstone names its scope.
    for (Scope scope : openScopes.everyById()) {
      outbox.enqueueScope(scope);
    }
    int count = 0;
    long after = 0;
    while (true) {
      List<StoredMemory> page = memories.pageWithTombstones(after, PAGE);
      if (page.isEmpty()) {
        return count;
      }
      for (StoredMemory row : page) {
        republish(row);
        after = row.seq();
        count++;
      }
    }
  }

  /** Queues the memories {@code ids} that the vault holds; returns how many. */
  int republish(List<String> ids) throws SQLException, GeneralSecurityException {
    int count = 0;
    for (String id : ids) {
      Optional<StoredMemory> row = memories.find(id);
      if (row.isPresent()) {
        republish(row.get());
        count++;
      }
    }
    return count;
  }

  private void republish(StoredMemory row) throws SQLException, GeneralSecurityException {
    Memory current = records.open(row);
    Memory next =
        current.toBuilder().setRevision(current.getRevision() + 1).setHlc(hlc.tick()).build();
    RecordEnvelope sealed = records.sealNextOf(row, openScopes.byId(row.scopeId()), next);
    memories.restamp(row, next.getRevision(), sealed.toByteArray());
    if (row.deleted()) {
      syncRows.setPurgeHlc(row.id(), next.getHlc());
    }
    outbox.enqueueRevision(row.id(), sealed);
  }
}
