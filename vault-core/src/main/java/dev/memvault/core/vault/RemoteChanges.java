package dev.memvault.core.vault;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.internal.sync.HybridClock;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.sync.ApplyReport;
import dev.memvault.core.sync.RemoteChange;
import dev.memvault.core.vault.MergeRule.Decision;
import dev.memvault.core.vault.MergeRule.Version;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.SyncPayload;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Applies changes pulled from the sync server to this replica. The caller has verified the log
 * chain and each change's signature; this checks that every payload belongs to this vault, is by
 * the device that signed the change and is about the change's record, opens it, and merges it by
 * {@link MergeRule}. Changes this device wrote are skipped; applying a change twice changes
 * nothing. The first change that fails a check throws {@code Corrupt}, and the caller's transaction
 * applies nothing of the batch.
 */
final class RemoteChanges {
  /**
   * How far ahead of the receiver's clock a change may be stamped: more than any real clock skew
   * between a person's devices, far less than the years a forged stamp would pin a memory for.
   */
  static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);

  private final byte[] vaultId;
  private final byte[] deviceId;
  private final Records records;
  private final ScopeCatalog scopes;
  private final Scopes openScopes;
  private final MemoryRows memories;
  private final SyncRows syncRows;
  private final HybridClock hlc;
  private final Outbox outbox;
  private final Checkpoints checkpoints;
  private final Clock clock;

  RemoteChanges(
      byte[] vaultId,
      byte[] deviceId,
      Records records,
      ScopeCatalog scopes,
      Scopes openScopes,
      MemoryRows memories,
      SyncRows syncRows,
      HybridClock hlc,
      Outbox outbox,
      Checkpoints checkpoints,
      Clock clock) {
    this.vaultId = vaultId;
    this.deviceId = deviceId;
    this.records = records;
    this.scopes = scopes;
    this.openScopes = openScopes;
    this.memories = memories;
    this.syncRows = syncRows;
    this.hlc = hlc;
    this.outbox = outbox;
    this.checkpoints = checkpoints;
    this.clock = clock;
  }

  ApplyReport apply(List<RemoteChange> changes) throws SQLException, GeneralSecurityException {
    int revisions = 0;
    int scopeChanges = 0;
    int checkpointsChecked = 0;
    int own = 0;
    int ownTakenBack = 0;
    boolean filesWentBack = false;
    for (RemoteChange change : changes) {
      checkpoints.verified(change);
      boolean mine = Arrays.equals(change.deviceId(), deviceId);
      // A change this device wrote stays in its outbox until a pull sees it in the log. One that
      // is not there was written by this device's files as they were later: they went back in
      // time (restored from a copy), or the device follows a log it had left. Either way the
      // change is applied like another device's, so nothing the device wrote is lost to it.
      boolean remembered = mine && outbox.confirm(change.changeId(), change.seq());
      if (change.payloadDropped()) {
        // Superseded by a later change of the log, which this batch or a later one applies.
        continue;
      }
      if (mine && Arrays.equals(change.recordId(), deviceId)) {
        // Filed under this device's id: its own checkpoint.
        SyncPayload payload = parse(change);
        checkpoints.receiveOwn(payload, change);
        filesWentBack |= !remembered && checkpoints.madeAfterLastSync(payload);
        checkpointsChecked++;
        continue;
      }
      if (remembered) {
        own++;
        continue;
      }
      if (mine) {
        ownTakenBack++;
      }
      SyncPayload payload = parse(change);
      switch (payload.getContentCase()) {
        case CHECKPOINT -> {
          checkpoints.receive(payload.getCheckpoint(), change);
          checkpointsChecked++;
        }
        case SCOPE -> {
          requireNotAhead(payload.getScope().getHlc());
          scopes.receive(payload.getScope(), change.recordId());
          scopeChanges++;
        }
        case REVISION -> {
          applyRevision(payload.getRevision(), change);
          revisions++;
        }
        default -> throw Failures.refusedChange("holds neither a revision nor a scope");
      }
    }
    return new ApplyReport(
        revisions, scopeChanges, checkpointsChecked, own, ownTakenBack, filesWentBack);
  }

  private static SyncPayload parse(RemoteChange change) {
    try {
      return SyncPayload.parseFrom(change.payload());
    } catch (InvalidProtocolBufferException e) {
      throw Failures.refusedChange("is not a memvault change");
    }
  }

  private void applyRevision(RecordEnvelope envelope, RemoteChange change)
      throws SQLException, GeneralSecurityException {
    if (!Arrays.equals(envelope.getVaultId().toByteArray(), vaultId)) {
      throw Failures.refusedChange("belongs to another vault");
    }
    if (!Arrays.equals(envelope.getAuthorDeviceId().toByteArray(), change.deviceId())) {
      throw Failures.refusedChange("claims an author other than the device that signed it");
    }
    if (!Arrays.equals(envelope.getRecordId().toByteArray(), change.recordId())
        || envelope.getRecordId().size() != 16) {
      throw Failures.refusedChange("is about a record other than the one it is filed under");
    }
    Scope scope = openScopes.findById(envelope.getScopeId().toByteArray());
    if (scope == null) {
      // A device pushes a scope before anything in it, so only a server that withholds or
      // reorders changes gets here.
      throw Failures.refusedChange("is in a scope this device has not received");
    }
    byte[] envelopeBytes = envelope.toByteArray();
    Memory remote;
    try {
      remote = records.openArriving(scope, envelope);
      if (!remote.getDeleted()) {
        MemoryRules.validate(remote);
      }
    } catch (VaultException e) {
      throw Failures.refusedChange(
          "does not decrypt, is not a valid memory or is filed under another memory's record id"
              + " (record "
              + HexFormat.of().formatHex(change.recordId())
              + ")");
    }
    String id = remote.getId();
    syncRows.heard(id);
    requireNotAhead(remote.getHlc());
    hlc.receive(remote.getHlc());
    Optional<StoredMemory> existing = memories.find(id);
    if (existing.isEmpty()) {
      insertNew(id, scope, remote, envelopeBytes);
      return;
    }
    StoredMemory row = existing.get();
    if (!Arrays.equals(row.scopeId(), scope.id())) {
      throw Failures.refusedChange("moves memory " + id + " to another scope");
    }
    Memory current = records.open(row);
    Version remoteVersion = new Version(remote.getHlc(), change.deviceId(), remote.getDeleted());
    Version currentVersion =
        new Version(current.getHlc(), Records.author(id, row.envelope()), current.getDeleted());
    Decision decision = MergeRule.decide(remoteVersion, currentVersion, syncRows.purgeHlc(id));
    switch (decision.action()) {
      case ALREADY_CURRENT, DISCARD -> {}
      case TOMBSTONE_CURRENT -> {
        memories.tombstone(
            row,
            MemoryIndexing.ifLive(current),
            remote.getRevision(),
            Timestamps.millis(remote.getUpdatedAt()),
            envelopeBytes);
        syncRows.setPurgeHlc(id, decision.purgeHlc());
      }
      case REPLACE_CURRENT -> {
        if (decision.keepOldCurrent()) {
          memories.putRevision(id, current.getRevision(), row.envelope());
        }
        memories.setCurrentLive(
            row,
            MemoryIndexing.ifLive(current),
            remote.getRevision(),
            Timestamps.millis(remote.getUpdatedAt()),
            envelopeBytes,
            MemoryIndexing.of(remote));
      }
      case PURGE_HISTORY -> {
        syncRows.setPurgeHlc(id, decision.purgeHlc());
        for (MemoryRows.Revision kept : memories.history(id)) {
          Memory old = records.open(scope, id, kept.revision(), kept.envelope());
          if (!MergeRule.survivesPurge(old.getHlc(), decision.purgeHlc())) {
            memories.deleteRevision(id, kept.revision());
          }
        }
      }
      case CONTEND_FOR_HISTORY_SLOT -> {
        Optional<byte[]> occupant = memories.revision(id, remote.getRevision());
        if (occupant.isPresent()) {
          Memory other = records.open(scope, id, remote.getRevision(), occupant.get());
          Version otherVersion =
              new Version(other.getHlc(), Records.author(id, occupant.get()), other.getDeleted());
          if (!MergeRule.winsSlot(remoteVersion, otherVersion)) {
            return;
          }
        }
        memories.putRevision(id, remote.getRevision(), envelopeBytes);
      }
    }
  }

  /**
   * Refuses a clock value further ahead of this device's clock than {@link #MAX_CLOCK_AHEAD}: a
   * revision stamped far in the future would win every merge against later edits and forgets.
   */
  private void requireNotAhead(long remoteHlc) {
    long wall = HybridClock.wallMillis(remoteHlc);
    long limit = clock.millis() + MAX_CLOCK_AHEAD.toMillis();
    if (wall > limit) {
      throw Failures.refusedChange(
          "is stamped "
              + Instant.ofEpochMilli(wall)
              + ", more than a day ahead of this device's clock ("
              + clock.instant()
              + "); check the clocks of this device and of the vault's other devices");
    }
  }

  private void insertNew(String id, Scope scope, Memory remote, byte[] envelopeBytes)
      throws SQLException {
    String conversationId =
        remote.getKind() == Kind.MESSAGE ? remote.getMessage().getConversationId() : null;
    StoredMemory inserted =
        new StoredMemory(
            0,
            id,
            scope.id(),
            remote.getKindValue(),
            conversationId,
            Timestamps.millis(remote.getCreatedAt()),
            Timestamps.millis(remote.getUpdatedAt()),
            remote.getRevision(),
            false,
            envelopeBytes,
            MemoryRules.sourceKey(remote));
    MemoryRows.IndexedText indexed = MemoryIndexing.of(remote);
    long seq = memories.insert(inserted, indexed);
    if (remote.getDeleted()) {
      memories.tombstone(
          inserted.withSeq(seq),
          Optional.of(indexed),
          remote.getRevision(),
          Timestamps.millis(remote.getUpdatedAt()),
          envelopeBytes);
      syncRows.setPurgeHlc(id, remote.getHlc());
    }
  }
}
