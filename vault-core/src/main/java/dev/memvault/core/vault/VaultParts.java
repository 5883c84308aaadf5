package dev.memvault.core.vault;

import dev.memvault.core.internal.crypto.RecordIds;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.EpochKeyRows;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.store.ScopeRows;
import dev.memvault.core.internal.store.VectorRows;
import dev.memvault.core.internal.sync.ChangeIds;
import dev.memvault.core.internal.sync.HybridClock;
import dev.memvault.core.internal.sync.SyncRows;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The parts of one open vault, wired once at open over one connection: who shares which table and
 * in-memory state (the open scopes, the hybrid clock) is decided here and nowhere else.
 */
record VaultParts(
    MemoryRows memories,
    Transactor transactor,
    ScopeCatalog scopes,
    MemoryReads reads,
    MemoryWrites writes,
    MemorySearch search,
    MeaningSearch meaning,
    MeaningIndexing meaningIndexing,
    SearchIndexRebuild searchIndexRebuild,
    VaultReplica replica) {

  static VaultParts wire(
      Vault vault,
      Path database,
      RootKey rootKey,
      Supplier<byte[]> rootKeyByRecovery,
      byte[] vaultId,
      byte[] deviceId,
      Connection connection,
      Clock clock,
      SecureRandom random)
      throws SQLException, GeneralSecurityException {
    MemoryRows memories = new MemoryRows(connection);
    SyncRows syncRows = new SyncRows(connection);
    Scopes openScopes = new Scopes();
    HybridClock hlc = new HybridClock(clock, syncRows.hlc());
    Transactor transactor =
        new Transactor(connection, database, memories, syncRows, hlc, openScopes);
    EpochKeys epochKeys = new EpochKeys(new EpochKeyRows(connection), rootKey, vaultId, deviceId);
    epochKeys.load();
    Records records =
        new Records(vaultId, deviceId, openScopes, RecordIds.of(epochKeys.original(), vaultId));
    Outbox outbox =
        new Outbox(syncRows, memories, openScopes, epochKeys, vaultId, new ChangeIds(random));
    ScopeCatalog scopes =
        new ScopeCatalog(
            openScopes,
            new ScopeRows(connection),
            syncRows,
            outbox,
            hlc,
            rootKey,
            epochKeys,
            vaultId,
            clock);
    scopes.load();
    MemoryReads reads = new MemoryReads(memories, records, openScopes);
    MemoryWrites writes =
        new MemoryWrites(
            memories,
            reads,
            records,
            scopes,
            openScopes,
            outbox,
            syncRows,
            hlc,
            clock,
            new Uuid7(clock, random));
    VectorRows vectorRows = new VectorRows(connection);
    MeaningSearch meaning = new MeaningSearch(vectorRows, memories, new MetaRows(connection));
    MeaningIndexing meaningIndexing = new MeaningIndexing(memories, vectorRows, records, meaning);
    MemorySearch search = new MemorySearch(memories, reads, records, meaning);
    Checkpoints checkpoints = new Checkpoints(syncRows, deviceId, clock);
    RemoteChanges remoteChanges =
        new RemoteChanges(
            vaultId,
            deviceId,
            records,
            scopes,
            openScopes,
            memories,
            syncRows,
            hlc,
            outbox,
            checkpoints,
            clock);
    DeviceIdentity identity =
        new DeviceIdentity(new MetaRows(connection), syncRows, rootKey, vaultId, deviceId, clock);
    SearchIndexRebuild searchIndexRebuild = new SearchIndexRebuild(transactor, memories, records);
    VaultReplica replica =
        new VaultReplica(
            vault,
            transactor,
            memories,
            new Republishing(memories, records, openScopes, outbox, syncRows, hlc),
            outbox,
            syncRows,
            checkpoints,
            identity,
            remoteChanges,
            scopes,
            epochKeys,
            new KeyEpochs(epochKeys, identity, vaultId, deviceId, clock),
            rootKey,
            rootKeyByRecovery,
            vaultId,
            deviceId,
            clock);
    return new VaultParts(
        memories,
        transactor,
        scopes,
        reads,
        writes,
        search,
        meaning,
        meaningIndexing,
        searchIndexRebuild,
        replica);
  }
}
