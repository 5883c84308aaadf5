package dev.memvault.core.vault;

import com.google.protobuf.ByteString;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.sync.ChangeIds;
import dev.memvault.core.internal.sync.OutboxRow;
import dev.memvault.core.internal.sync.ScopeNames;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.ScopeNaming;
import dev.memvault.proto.v1.ScopeRecord;
import dev.memvault.proto.v1.SyncPayload;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The local changes waiting for the sync server (docs/FORMAT.md, section 14). A queued revision is
 * a reference to where its envelope is stored, not a copy: the payload is read back when it is
 * pushed, and a revision superseded since (forgotten, or displaced from its slot by a revision that
 * wins the merge) is dropped instead, as every replica would discard it on arrival.
 */
final class Outbox {
  private final SyncRows syncRows;
  private final MemoryRows memories;
  private final Scopes openScopes;
  private final EpochKeys epochKeys;
  private final byte[] vaultId;
  private final ChangeIds changeIds;

  Outbox(
      SyncRows syncRows,
      MemoryRows memories,
      Scopes openScopes,
      EpochKeys epochKeys,
      byte[] vaultId,
      ChangeIds changeIds) {
    this.syncRows = syncRows;
    this.memories = memories;
    this.openScopes = openScopes;
    this.epochKeys = epochKeys;
    this.vaultId = vaultId;
    this.changeIds = changeIds;
  }

  void enqueueRevision(String memoryId, RecordEnvelope envelope) throws SQLException {
    enqueueRevision(
        envelope.getRecordId().toByteArray(),
        memoryId,
        envelope.getRevision(),
        envelopeHash(envelope.toByteArray()));
  }

  void enqueueRevision(byte[] recordId, String memoryId, long revision, byte[] envelopeHash)
      throws SQLException {
    syncRows.enqueueRevision(changeIds.next(), recordId, memoryId, revision, envelopeHash);
  }

  /** Queues a change whose payload is complete now, filed under {@code recordId}. */
  void enqueuePayload(byte[] recordId, byte[] payload) throws SQLException {
    syncRows.enqueuePayload(changeIds.next(), recordId, payload);
  }

  /** Queues a scope; its name and keyset as they are when pushed go out. */
  void enqueueScope(Scope scope) throws SQLException {
    syncRows.enqueueScope(changeIds.next(), scope.id());
  }

  /**
   * Up to {@code limit} changes queued after outbox seq {@code afterSeq}, superseded ones dropped.
   */
  List<OutboxEntry> pending(long afterSeq, int limit)
      throws SQLException, GeneralSecurityException {
    List<OutboxEntry> ready = new ArrayList<>();
    List<Long> superseded = new ArrayList<>();
    long after = afterSeq;
    while (ready.size() < limit) {
      List<OutboxRow> rows = syncRows.pending(after, limit - ready.size());
      if (rows.isEmpty()) {
        break;
      }
      for (OutboxRow row : rows) {
        after = row.seq();
        Optional<byte[]> payload = payloadOf(row);
        if (payload.isPresent()) {
          // A memory's first revision has no earlier entry in any log to supersede; saying
          // nothing spares the server a lookup per new memory.
          long supersedesThrough = row.isRevision() && row.revision() > 1 ? row.writtenAfter() : 0;
          ready.add(
              new OutboxEntry(
                  row.seq(), row.changeId(), row.recordId(), payload.get(), supersedesThrough));
        } else {
          superseded.add(row.seq());
        }
      }
    }
    syncRows.removeSeqs(superseded);
    return ready;
  }

  long pendingCount() throws SQLException {
    return syncRows.pendingCount();
  }

  /** Drops queued changes for good, without waiting to see them in the log. */
  void drop(List<OutboxEntry> entries) throws SQLException {
    syncRows.remove(entries);
  }

  /** Pushed changes the server acknowledged at {@code logSeqs}: they wait for their pull. */
  void acknowledge(List<OutboxEntry> stored, List<Long> logSeqs) throws SQLException {
    if (stored.size() != logSeqs.size()) {
      throw new IllegalArgumentException("one log position per acknowledged change");
    }
    syncRows.markAcknowledged(stored, logSeqs);
  }

  /**
   * This device's own change, pulled at log position {@code seq}: confirms an acknowledged change
   * found where the server said it stored it. Returns whether the change was queued here at all
   * (false: these files no longer hold it).
   *
   * @throws dev.memvault.core.VaultException.Corrupt if the server acknowledged it elsewhere
   */
  boolean confirm(byte[] changeId, long seq) throws SQLException {
    Optional<OptionalLong> queued = syncRows.queuedChange(changeId);
    if (queued.isEmpty()) {
      return false;
    }
    OptionalLong acked = queued.get();
    if (acked.isEmpty()) {
      return true;
    }
    if (acked.getAsLong() != seq) {
      throw Failures.refusedChange(
          "written by this device sits at log position "
              + seq
              + ", but the server acknowledged"
              + " it at "
              + acked.getAsLong()
              + " (a server that rewrites its log)");
    }
    syncRows.removeChange(changeId);
    return true;
  }

  /**
   * Queues again, under new change ids, every acknowledged change that no pull has seen: after a
   * pull that reached the server's head, each of them was withheld. Returns how many.
   */
  int requeueUnconfirmed() throws SQLException {
    List<Long> unconfirmed = syncRows.unconfirmed();
    for (long seq : unconfirmed) {
      syncRows.requeue(seq, changeIds.next());
    }
    return unconfirmed.size();
  }

  /** The payload an outbox row stands for, or empty if what it refers to was superseded. */
  private Optional<byte[]> payloadOf(OutboxRow row) throws SQLException, GeneralSecurityException {
    if (row.holdsPayload()) {
      return Optional.of(row.payload());
    }
    if (row.isRevision()) {
      Optional<byte[]> envelope = memories.envelopeAt(row.memoryId(), row.revision());
      if (envelope.isEmpty()
          || !MessageDigest.isEqual(envelopeHash(envelope.get()), row.envelopeHash())) {
        return Optional.empty();
      }
      RecordEnvelope parsed = Records.parseEnvelope(row.memoryId(), envelope.get());
      return Optional.of(SyncPayload.newBuilder().setRevision(parsed).build().toByteArray());
    }
    Scope scope = openScopes.findById(row.recordId());
    if (scope == null) {
      return Optional.empty();
    }
    // Sealed under the newest epoch this device holds when it goes out, not when it was queued:
    // a scope key rotated before a revocation and pushed after it is not sealed under a key the
    // revoked device holds.
    RootKey epochKey = epochKeys.current();
    ScopeRecord.Builder record =
        ScopeRecord.newBuilder()
            .setEpoch(epochKeys.currentEpoch())
            .setScopeId(ByteString.copyFrom(scope.id()))
            .setEncryptedName(
                ByteString.copyFrom(
                    ScopeNames.seal(epochKey, vaultId, scope.id(), scope.createdName())))
            .setEncryptedKeyset(
                ByteString.copyFrom(scope.keyset().encrypt(epochKey, vaultId, scope.id())))
            .setHlc(syncRows.scopeHlc(scope.id()));
    if (scope.naming().hlc() != 0) {
      ScopeNaming naming =
          ScopeNaming.newBuilder()
              .setName(scope.naming().name())
              .setDeleted(scope.naming().deleted())
              .setHlc(scope.naming().hlc())
              .build();
      record.setSealedNaming(
          ByteString.copyFrom(
              ScopeNames.sealNaming(epochKey, vaultId, scope.id(), naming.toByteArray())));
    }
    return Optional.of(SyncPayload.newBuilder().setScope(record).build().toByteArray());
  }

  /** SHA-256 of an envelope, cut to 16 bytes: enough to tell whether a slot still holds it. */
  static byte[] envelopeHash(byte[] envelope) {
    try {
      return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(envelope), 16);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }
}
