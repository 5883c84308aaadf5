package dev.memvault.core.vault;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.grant.ProviderPublicKey;
import dev.memvault.core.internal.crypto.GrantSeals;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.sync.ApplyReport;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.KeyPackages;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.core.sync.RemoteChange;
import dev.memvault.core.sync.Replica;
import dev.memvault.core.sync.ReplicaStatus;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.proto.sync.v1.GrantCreated;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.sync.v1.RecoveryReplaced;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The sync side of an open vault ({@link Replica}): each method one transaction over the outbox,
 * the cursor, this device's identity, the merge of pulled changes and the checkpoints. Serialized
 * with every other method of its {@link Vault} on the vault itself.
 */
final class VaultReplica implements Replica {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Vault vault;
  private final Object lock;
  private final Transactor transactor;
  private final MemoryRows memories;
  private final Republishing republishing;
  private final Outbox outbox;
  private final SyncRows syncRows;
  private final Checkpoints checkpoints;
  private final DeviceIdentity identity;
  private final RemoteChanges remoteChanges;
  private final ScopeCatalog scopes;
  private final EpochKeys epochKeys;
  private final KeyEpochs keyEpochs;
  private final RootKey rootKey;
  private final Supplier<byte[]> rootKeyByRecovery;
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final Clock clock;

  VaultReplica(
      Vault vault,
      Transactor transactor,
      MemoryRows memories,
      Republishing republishing,
      Outbox outbox,
      SyncRows syncRows,
      Checkpoints checkpoints,
      DeviceIdentity identity,
      RemoteChanges remoteChanges,
      ScopeCatalog scopes,
      EpochKeys epochKeys,
      KeyEpochs keyEpochs,
      RootKey rootKey,
      Supplier<byte[]> rootKeyByRecovery,
      byte[] vaultId,
      byte[] deviceId,
      Clock clock) {
    this.vault = vault;
    this.lock = vault;
    this.transactor = transactor;
    this.memories = memories;
    this.republishing = republishing;
    this.outbox = outbox;
    this.syncRows = syncRows;
    this.checkpoints = checkpoints;
    this.identity = identity;
    this.remoteChanges = remoteChanges;
    this.scopes = scopes;
    this.epochKeys = epochKeys;
    this.keyEpochs = keyEpochs;
    this.rootKey = rootKey;
    this.rootKeyByRecovery = rootKeyByRecovery;
    this.vaultId = vaultId;
    this.deviceId = deviceId;
    this.clock = clock;
  }

  @Override
  public void enqueueCheckpoint(ChainHead chainHead) {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            SyncCursor cursor = syncRows.cursor().orElseThrow();
            outbox.enqueuePayload(deviceId, checkpoints.make(cursor, chainHead));
            return null;
          });
    }
  }

  @Override
  public void markSynced() {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            syncRows.putLastSync(clock.millis());
            return null;
          });
    }
  }

  @Override
  public ReplicaStatus status() {
    synchronized (lock) {
      return transactor.read(
          () -> {
            List<ReplicaStatus.DeviceCheckpoint> seen = new ArrayList<>();
            for (SyncRows.SeenCheckpoint checkpoint : syncRows.checkpoints()) {
              seen.add(
                  new ReplicaStatus.DeviceCheckpoint(
                      HexFormat.of().formatHex(checkpoint.deviceId()),
                      checkpoint.logSeq(),
                      Instant.ofEpochMilli(checkpoint.madeAtMillis()),
                      checkpoint.atSeq(),
                      Arrays.equals(checkpoint.deviceId(), deviceId)));
            }
            return new ReplicaStatus(
                syncRows.cursor(),
                syncRows.pendingCount(),
                syncRows.unconfirmedCount(),
                syncRows.lastSync().map(Instant::ofEpochMilli),
                seen);
          });
    }
  }

  @Override
  public void rotateAllScopeKeys() {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            scopes.rotateAll();
            return null;
          });
    }
  }

  @Override
  public byte[] vaultIdBytes() {
    return vaultId.clone();
  }

  @Override
  public void trustChain(DeviceChain chain) {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            List<SignedDeviceLink> links = chain.links();
            long kept = syncRows.chainLinkCount();
            if (links.size() > kept) {
              List<byte[]> newer = new ArrayList<>();
              for (SignedDeviceLink link : links.subList((int) kept, links.size())) {
                newer.add(link.toByteArray());
              }
              syncRows.putChainLinks(kept + 1, newer);
            }
            identity.saveTrustedChainHead(new ChainHead(chain.headSeq(), chain.headHash()));
            return null;
          });
    }
  }

  @Override
  public List<SignedDeviceLink> rememberedChain() {
    synchronized (lock) {
      return transactor.read(
          () -> {
            List<SignedDeviceLink> links = new ArrayList<>();
            for (byte[] link : syncRows.chainLinks()) {
              try {
                links.add(SignedDeviceLink.parseFrom(link));
              } catch (InvalidProtocolBufferException e) {
                throw new VaultException.Corrupt(
                    "the device list this device kept is damaged; sync with the server again");
              }
            }
            return links;
          });
    }
  }

  @Override
  public int startLogOver(String serverUrl) {
    synchronized (lock) {
      return transactor.inTransaction(
          () -> {
            forgetTheLogBefore(serverUrl);
            return republishing.republishAll();
          });
    }
  }

  @Override
  public void followNewLog(String serverUrl) {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            forgetTheLogBefore(serverUrl);
            syncRows.markAllUnheard();
            return null;
          });
    }
  }

  @Override
  public int publishUnheard() {
    synchronized (lock) {
      return transactor.inTransaction(() -> republishing.republish(syncRows.takeUnheard()));
    }
  }

  private void forgetTheLogBefore(String serverUrl) throws SQLException {
    syncRows.clearLogHashes();
    syncRows.dropAcknowledged();
    syncRows.forgetWrittenAfter();
    syncRows.clearCheckpoints();
    identity.forgetLogAnchor();
    syncRows.putCursor(SyncCursor.start(serverUrl));
  }

  @Override
  public byte[] recordIdOf(String memoryId) {
    synchronized (lock) {
      StoredMemory row =
          transactor
              .read(() -> memories.find(memoryId))
              .orElseThrow(
                  () -> new VaultException.UnknownItem("no memory with id '" + memoryId + "'"));
      return Records.parseEnvelope(memoryId, row.envelope()).getRecordId().toByteArray();
    }
  }

  @Override
  public byte[] deviceIdBytes() {
    return deviceId.clone();
  }

  @Override
  public DeviceSigningKey deviceSigningKey() {
    synchronized (lock) {
      return transactor.inTransaction(identity::signingKey);
    }
  }

  @Override
  public Optional<ChainHead> trustedChainHead() {
    synchronized (lock) {
      return transactor.inTransaction(identity::trustedChainHead);
    }
  }

  @Override
  public void saveTrustedChainHead(ChainHead head) {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            identity.saveTrustedChainHead(head);
            return null;
          });
    }
  }

  @Override
  public SignedDeviceLink genesisLink() {
    synchronized (lock) {
      DeviceSigningKey key = deviceSigningKey();
      return transactor.inTransaction(() -> identity.genesisLink(key));
    }
  }

  @Override
  public byte[] rootKeyByRecovery() {
    synchronized (lock) {
      Optional<byte[]> stored = transactor.read(identity::originalRootByRecovery);
      return stored.orElseGet(rootKeyByRecovery);
    }
  }

  @Override
  public byte[] sealKeyPackage(
      byte[] recipientPublicKeyset, byte[] context, ChainHead linkedHead, String serverId)
      throws GeneralSecurityException {
    SyncCursor verified = syncCursor().orElse(SyncCursor.start(""));
    return KeyPackages.seal(
        epochKeys.all(),
        new KeyPackages.Contents(
            vaultId,
            rootKeyByRecovery(),
            linkedHead,
            serverId,
            new ChainHead(verified.seq(), verified.headHash())),
        recipientPublicKeyset,
        context);
  }

  @Override
  public List<OutboxEntry> pendingChanges(long afterSeq, int limit) {
    synchronized (lock) {
      return transactor.inTransaction(() -> outbox.pending(afterSeq, limit));
    }
  }

  @Override
  public long pendingChangeCount() {
    synchronized (lock) {
      return transactor.inTransaction(outbox::pendingCount);
    }
  }

  @Override
  public void acknowledge(List<OutboxEntry> stored, List<Long> logSeqs) {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            outbox.acknowledge(stored, logSeqs);
            return null;
          });
    }
  }

  @Override
  public int requeueUnconfirmed() {
    synchronized (lock) {
      return transactor.inTransaction(outbox::requeueUnconfirmed);
    }
  }

  @Override
  public void dropPending(List<OutboxEntry> entries) {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            outbox.drop(entries);
            return null;
          });
    }
  }

  @Override
  public Optional<SyncCursor> syncCursor() {
    synchronized (lock) {
      return transactor.inTransaction(syncRows::cursor);
    }
  }

  @Override
  public void saveSyncCursor(SyncCursor cursor) {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            if (cursor.seq() == 0) {
              // Another server's log, or the same one from its start: positions mean new
              // things, and what the old log acknowledged can no longer be confirmed in it.
              // Those changes count as delivered there, as every acknowledged change once did.
              syncRows.clearLogHashes();
              syncRows.dropAcknowledged();
              syncRows.forgetWrittenAfter();
            }
            syncRows.putCursor(cursor);
            return null;
          });
    }
  }

  @Override
  public ApplyReport applyRemote(List<RemoteChange> changes, SyncCursor advanced) {
    synchronized (lock) {
      return transactor.inTransaction(
          () -> {
            ApplyReport report = remoteChanges.apply(changes);
            checkpoints.verified(advanced);
            syncRows.putCursor(advanced);
            return report;
          });
    }
  }

  @Override
  public byte[] encryptionPublicKeyset() {
    synchronized (lock) {
      return transactor.inTransaction(() -> identity.encryptionKey().publicKeyset());
    }
  }

  @Override
  public int currentKeyEpoch() {
    synchronized (lock) {
      return epochKeys.currentEpoch();
    }
  }

  @Override
  public int acceptKeyEpochs(DeviceChain chain) {
    synchronized (lock) {
      int accepted = transactor.inTransaction(() -> keyEpochs.accept(chain));
      Optional<RecoveryReplaced> replaced = chain.recoveryReplacement();
      if (replaced.isPresent()) {
        byte[] latest = replaced.get().getRecoveryPublicKey().toByteArray();
        if (!Arrays.equals(latest, transactor.read(identity::headerRecoveryPublicKey))) {
          vault.followRecoveryReplacement(
              replaced.get().getRootKeyByRecovery().toByteArray(),
              rootKey.secret().equalsSecretBytes(epochKeys.original().secret()));
          transactor.inTransaction(
              () -> {
                identity.saveHeaderRecoveryPublicKey(latest);
                return null;
              });
        }
      }
      return accepted;
    }
  }

  @Override
  public SignedDeviceLink nextKeyEpoch(DeviceChain chain) {
    synchronized (lock) {
      DeviceSigningKey key = deviceSigningKey();
      return transactor.inTransaction(() -> keyEpochs.startNext(chain, key));
    }
  }

  @Override
  public SignedDeviceLink encryptionKeyAnnouncement(DeviceChain chain) {
    synchronized (lock) {
      DeviceSigningKey key = deviceSigningKey();
      return transactor.inTransaction(
          () ->
              DeviceLinks.announcesKey(
                  chain, deviceId, key, identity.encryptionKey().publicKeyset(), clock.millis()));
    }
  }

  @Override
  public Optional<RecoveryReplaced> pendingRecoveryReplacement() {
    synchronized (lock) {
      return transactor.read(identity::pendingRecoveryReplacement);
    }
  }

  @Override
  public void recoveryReplacementPublished() {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            identity.recoveryReplacementPublished();
            return null;
          });
    }
  }

  @Override
  public SignedDeviceLink recoveryReplacement(DeviceChain chain, RecoveryReplaced replacement) {
    synchronized (lock) {
      DeviceSigningKey key = deviceSigningKey();
      return DeviceLinks.replacesRecovery(chain, deviceId, key, replacement, clock.millis());
    }
  }

  @Override
  public Optional<ChainHead> logAnchor() {
    synchronized (lock) {
      return transactor.read(identity::logAnchor);
    }
  }

  @Override
  public GrantCreated newGrant(
      String name, ProviderPublicKey provider, List<String> scopeNames, long expiresAtMillis) {
    synchronized (lock) {
      return transactor.read(
          () -> {
            byte[] grantId = new byte[16];
            RANDOM.nextBytes(grantId);
            RootKey epochKey = epochKeys.current();
            return GrantCreated.newBuilder()
                .setGrantId(ByteString.copyFrom(grantId))
                .setProviderSigningPublicKeyset(ByteString.copyFrom(provider.signingPublicKeyset()))
                .setProviderEncryptionPublicKeyset(
                    ByteString.copyFrom(provider.encryptionPublicKeyset()))
                .setExpiresAtMs(expiresAtMillis)
                .addAllScopes(
                    scopes.sealForGrant(scopeNames, provider.encryptionPublicKeyset(), grantId))
                .setNameEpoch(epochKeys.currentEpoch())
                .setEncryptedName(
                    ByteString.copyFrom(
                        epochKey
                            .aead()
                            .encrypt(
                                name.getBytes(StandardCharsets.UTF_8),
                                GrantSeals.nameAssociatedData(vaultId, grantId))))
                .build();
          });
    }
  }

  @Override
  public Optional<String> grantName(GrantCreated grant) {
    synchronized (lock) {
      Optional<RootKey> key = epochKeys.of(grant.getNameEpoch());
      if (key.isEmpty()) {
        return Optional.empty();
      }
      try {
        byte[] name =
            key.get()
                .aead()
                .decrypt(
                    grant.getEncryptedName().toByteArray(),
                    GrantSeals.nameAssociatedData(vaultId, grant.getGrantId().toByteArray()));
        return Optional.of(new String(name, StandardCharsets.UTF_8));
      } catch (GeneralSecurityException e) {
        return Optional.empty();
      }
    }
  }

  @Override
  public List<String> scopeNames(GrantCreated grant) {
    synchronized (lock) {
      return scopes.namesOf(grant.getScopesList().stream().map(s -> s.getScopeId()).toList());
    }
  }

  @Override
  public void rotateScopeKeys(GrantCreated grant) {
    synchronized (lock) {
      transactor.inTransaction(
          () -> {
            scopes.rotateById(
                grant.getScopesList().stream().map(s -> s.getScopeId().toByteArray()).toList());
            return null;
          });
    }
  }

  @Override
  public List<GrantedScope> grantKeysOwed(DeviceChain.Grant grant) {
    synchronized (lock) {
      return transactor.read(
          () ->
              scopes.owedToGrant(
                  grant.sealedScopes(),
                  grant.created().getProviderEncryptionPublicKeyset().toByteArray(),
                  grant.grantId().toByteArray()));
    }
  }
}
