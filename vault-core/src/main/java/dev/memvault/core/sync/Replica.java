package dev.memvault.core.sync;

import dev.memvault.core.grant.ProviderPublicKey;
import dev.memvault.proto.sync.v1.GrantCreated;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.sync.v1.RecoveryReplaced;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;

/**
 * What sync needs of a local vault: this device's identity and signing key, its outbox, its cursor
 * on the server's log, the device chain head it trusts, and the merge of pulled changes. Every
 * method is one transaction of the vault. Key material leaves only sealed: the root key goes to a
 * new device inside a key package ({@link #sealKeyPackage}), never as bytes.
 */
public interface Replica {
  /** The 16-byte vault id. */
  byte[] vaultIdBytes();

  /** The 16-byte id of this device. */
  byte[] deviceIdBytes();

  /** This device's Ed25519 signing key, made and stored (encrypted) on first use. */
  DeviceSigningKey deviceSigningKey();

  /** The device chain head this device verified last; empty before it knows any chain. */
  Optional<ChainHead> trustedChainHead();

  void saveTrustedChainHead(ChainHead head);

  /** The first link of this vault's device chain by this device, for registering the vault. */
  SignedDeviceLink genesisLink();

  /** The root key wrapped by the recovery key, as the header keeps it (for other devices). */
  byte[] rootKeyByRecovery();

  /**
   * The vault's root key and what a new device needs besides, sealed with HPKE to the new device's
   * public keyset under {@code context} (device linking).
   *
   * @throws GeneralSecurityException if the public keyset is not an HPKE public keyset
   */
  byte[] sealKeyPackage(
      byte[] recipientPublicKeyset, byte[] context, ChainHead linkedHead, String serverId)
      throws GeneralSecurityException;

  /**
   * The oldest {@code limit} local changes queued after outbox seq {@code afterSeq} and not yet
   * acknowledged by the sync server; superseded ones are dropped from the queue.
   */
  List<OutboxEntry> pendingChanges(long afterSeq, int limit);

  long pendingChangeCount();

  /**
   * Records that the server acknowledged storing {@code stored} at log positions {@code logSeqs}:
   * they leave the queue, and wait until a pull sees each at its position.
   */
  void acknowledge(List<OutboxEntry> stored, List<Long> logSeqs);

  /**
   * After a pull that reached the server's head: queues again, under new change ids, every
   * acknowledged change the pull did not see, and returns how many (0 when the server kept what it
   * acknowledged).
   */
  int requeueUnconfirmed();

  /**
   * The record id the sync server files memory {@code memoryId} under (docs/FORMAT.md, section
   * 6.6): its keyed record id, or its UUID for a memory first written in envelope format 1.
   *
   * @throws dev.memvault.core.VaultException.UnknownItem if the vault holds no such memory
   */
  byte[] recordIdOf(String memoryId);

  /**
   * Trusts {@code chain}, which this device has just verified or extended itself: its head becomes
   * the trusted head, and its links are kept, so that the device can upload the whole chain when it
   * starts the vault's log over.
   */
  void trustChain(DeviceChain chain);

  /** The device chain this device verified, from its first link, as far as it kept it. */
  List<SignedDeviceLink> rememberedChain();

  /**
   * Starts the vault's log over from this device at {@code serverUrl} (README, "When the server
   * lied"), in one transaction: forgets where it stood with any log (positions, hashes, other
   * devices' checkpoints, the position it was linked at) and queues its whole vault as new changes
   * of its own: every scope, and every memory, forgotten ones as tombstones, as a new revision.
   *
   * @return how many memories were queued
   */
  int startLogOver(String serverUrl);

  /**
   * Follows a log that another device started over at {@code serverUrl}: forgets where this device
   * stood with the log before (positions, hashes, checkpoints, the position it was linked at), so
   * that the next sync reads the new log from its start. Changes not yet pushed stay queued.
   */
  void followNewLog(String serverUrl);

  /**
   * Once this device following a log that started over has read it to its head: publishes again, as
   * new revisions of its own, the memories no change of the new log named (the device that started
   * it over never had them), so that they reach the other devices too.
   *
   * @return how many memories were queued
   */
  int publishUnheard();

  /** Drops queued changes without pushing them (a tool that pushes them by other means). */
  void dropPending(List<OutboxEntry> entries);

  /** Where this device stands with its sync server, if it was ever given one. */
  Optional<SyncCursor> syncCursor();

  void saveSyncCursor(SyncCursor cursor);

  /**
   * Applies verified changes pulled from the server and stores {@code advanced}, in one
   * transaction: all of them and the cursor, or nothing.
   *
   * @throws dev.memvault.core.VaultException.Corrupt (nothing applied) if a change is not one this
   *     vault can accept
   */
  ApplyReport applyRemote(List<RemoteChange> changes, SyncCursor advanced);

  /**
   * Queues this device's signed checkpoint (docs/FORMAT.md, section 14.4): the log position it
   * verified last and {@code chainHead}, the device chain head it trusts.
   */
  void enqueueCheckpoint(ChainHead chainHead);

  /** Records that a sync finished now. */
  void markSynced();

  /** Where this device stands: cursor, queues, last sync, every device's latest checkpoint. */
  ReplicaStatus status();

  /** A new primary key for every scope, for writes after a device is revoked. */
  void rotateAllScopeKeys();

  /**
   * This device's HPKE public keyset, which the device chain names and epoch keys are sealed to.
   */
  byte[] encryptionPublicKeyset();

  /** The newest epoch of the vault root key this device holds (0: the original root key). */
  int currentKeyEpoch();

  /**
   * Opens and stores the epoch keys of the verified {@code chain} sealed to this device that it
   * does not hold yet; returns how many.
   *
   * @throws dev.memvault.core.VaultException.Corrupt if one sealed to this device does not open
   */
  int acceptKeyEpochs(DeviceChain chain);

  /**
   * The link that starts the next key epoch after the verified {@code chain}, signed by this device
   * and sealed to the chain's active devices and its recovery key. Nothing changes locally: the key
   * is taken in from the chain once the server stored the link ({@link #acceptKeyEpochs}).
   */
  SignedDeviceLink nextKeyEpoch(DeviceChain chain);

  /** The link by which this device names its encryption key in {@code chain}. */
  SignedDeviceLink encryptionKeyAnnouncement(DeviceChain chain);

  /**
   * The recovery key replacement a rekey of this device left for the device chain; while present,
   * the next sync also names this device's new encryption key and starts a key epoch.
   */
  Optional<RecoveryReplaced> pendingRecoveryReplacement();

  /** The pending recovery key replacement is in the device chain, with its key epoch. */
  void recoveryReplacementPublished();

  /** The link by which this device replaces the vault's recovery key in {@code chain}. */
  SignedDeviceLink recoveryReplacement(DeviceChain chain, RecoveryReplaced replacement);

  /**
   * The log position (as seq and entry hash) the device that linked this one had verified, which
   * this device's pulls must pass through; empty for a device that was not linked by another.
   */
  Optional<ChainHead> logAnchor();

  /**
   * A grant of the named scopes to a provider until {@code expiresAtMillis}, under a fresh random
   * id: each scope's keyset sealed to the provider, the name encrypted under the newest key epoch.
   *
   * @throws dev.memvault.core.VaultException.UnknownItem if a scope does not exist
   */
  GrantCreated newGrant(
      String name, ProviderPublicKey provider, List<String> scopeNames, long expiresAtMillis);

  /** The name a grant was given, if this device holds the epoch key it is encrypted under. */
  Optional<String> grantName(GrantCreated grant);

  /** The names of the scopes a grant grants, as this vault knows them. */
  List<String> scopeNames(GrantCreated grant);

  /**
   * Rotates the keys of a grant's scopes (it ended): what is written from now on is sealed under
   * keys its provider never had. Queued for sync like any rotation.
   */
  void rotateScopeKeys(GrantCreated grant);

  /**
   * The scope keysets {@code grant} is owed after rotations on this device, sealed again to its
   * provider; empty when it holds the current keys of every granted scope this vault holds.
   */
  List<GrantedScope> grantKeysOwed(DeviceChain.Grant grant);
}
