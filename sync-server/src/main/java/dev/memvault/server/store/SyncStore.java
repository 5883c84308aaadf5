package dev.memvault.server.store;

import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.GrantAccess;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.LogChain;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the sync server keeps vaults: per vault, the registered devices and an append-only log of
 * opaque changes. Two real implementations share one contract test suite: embedded files (the
 * default) and PostgreSQL (several server processes may share one database).
 *
 * <p>Implementations are thread-safe. Vault and device ids are 16 bytes; everything else about a
 * change is opaque to the store, which never interprets {@link Change#getPayload()}. A failure of
 * the store itself (database unreachable, disk full) is a {@link StoreException}.
 */
public interface SyncStore extends AutoCloseable {

  /** What opening this store did to its schema, when it has one. */
  default Optional<SchemaMigration> schemaMigration() {
    return Optional.empty();
  }

  /**
   * Creates a vault with its first device, the first link of its device chain and, if given, its
   * recovery record, all at once. Returns false, changing nothing, if the vault exists (or the
   * recovery public key is taken).
   *
   * @throws CapReachedException ({@link Cap#VAULTS}) if the store holds {@link
   *     StoreLimits#maxVaults()} vaults already; nothing is stored
   */
  boolean registerVault(
      byte[] vaultId,
      Device firstDevice,
      Optional<SignedDeviceLink> genesis,
      Optional<RecoveryRecord> recovery);

  /** A vault with its first device and nothing else: an empty device chain, no recovery. */
  default boolean registerVault(byte[] vaultId, Device firstDevice) {
    return registerVault(vaultId, firstDevice, Optional.empty(), Optional.empty());
  }

  /**
   * Starts the vault's log over, for a device that re-uploads its own state after a detected lie:
   * whatever the store held of the vault (log, device chain, devices, recovery record, pairings,
   * grant reads) is replaced, in one transaction, by an empty log and {@code chain}, each link
   * applied with its effect ({@code effects.get(i)} for {@code chain.get(i)}, the first adding the
   * first device, as {@link #appendDeviceLink} applies them). {@code recovery} is stored unless a
   * link replaced it. Returns false, changing nothing, if {@code recovery}'s public key is another
   * vault's (a replaced key taken by another vault is not stored, as when its link is appended).
   *
   * @throws CapReachedException ({@link Cap#VAULTS}) if the vault is new and the store is full
   */
  boolean startOver(
      byte[] vaultId,
      List<SignedDeviceLink> chain,
      List<LinkEffect> effects,
      Optional<RecoveryRecord> recovery,
      long atMillis);

  /**
   * Appends link {@code seq} to the vault's device chain and applies its effect on the devices
   * (adds one, or revokes one), in one transaction. The caller has checked the link against the
   * chain's first {@code seq - 1} links; this stores it only if the chain still has exactly those.
   *
   * @return false, changing nothing, if the chain has another length (a concurrent append won)
   * @throws UnknownVaultException if the vault is not registered
   */
  boolean appendDeviceLink(byte[] vaultId, long seq, SignedDeviceLink link, LinkEffect effect);

  /** The vault's device chain, first link first; empty for an unknown vault. */
  List<SignedDeviceLink> deviceChain(byte[] vaultId);

  /** The recovery record registered under a recovery public key. */
  Optional<RecoveryRecord> recovery(byte[] recoveryPublicKey);

  /**
   * Opens a pairing slot of the vault, for the device that opens it, until {@code expiresAtMillis}
   * (and deletes long-expired slots of any vault). False if a slot with this id exists.
   *
   * @throws CapReachedException ({@link Cap#OPEN_PAIRINGS}) if the device has {@link
   *     StoreLimits#maxOpenPairingsPerDevice()} slots open at {@code nowMillis} (not expired, no
   *     key package posted); nothing is stored
   */
  boolean openPairing(
      byte[] pairingId, byte[] vaultId, byte[] deviceId, long nowMillis, long expiresAtMillis);

  /** Stores a new device's join request in an open slot; false if none or one is there already. */
  boolean postJoinRequest(byte[] pairingId, byte[] joinRequest, long nowMillis);

  /** Stores the key package in the vault's open slot; false if none or one is there already. */
  boolean postKeyPackage(byte[] pairingId, byte[] vaultId, byte[] sealedKeyPackage, long nowMillis);

  /** The slot with this id, unless it has expired. */
  Optional<Pairing> pairing(byte[] pairingId, long nowMillis);

  /** What a device chain link does to the devices that may sign in. */
  sealed interface LinkEffect permits Adds, Revokes, ReplacesRecovery, NoDeviceChange {}

  record Adds(Device device) implements LinkEffect {}

  record Revokes(byte[] deviceId, long atMillis) implements LinkEffect {}

  /** The vault's recovery key is replaced: join --recovery finds the vault by the new one only. */
  record ReplacesRecovery(RecoveryRecord recovery) implements LinkEffect {}

  /**
   * A link that changes no device's right to sign in (a key epoch, an encryption key, a grant: the
   * server reads grants from the stored chain itself).
   */
  record NoDeviceChange() implements LinkEffect {}

  /** What join --recovery needs: the vault, and its root key wrapped by the recovery key. */
  record RecoveryRecord(byte[] recoveryPublicKey, byte[] vaultId, byte[] rootKeyByRecovery) {}

  /** A pairing slot: whose it is, and what the two devices relayed through it so far. */
  record Pairing(
      byte[] vaultId,
      long expiresAtMillis,
      Optional<byte[]> joinRequest,
      Optional<byte[]> sealedKeyPackage) {}

  /** Adds a device to an existing vault; false if the vault is unknown or the device exists. */
  boolean addDevice(byte[] vaultId, Device device);

  /** Marks a device revoked at {@code atMillis}; false if unknown. Its entries stay in the log. */
  boolean revokeDevice(byte[] vaultId, byte[] deviceId, long atMillis);

  Optional<Device> device(byte[] vaultId, byte[] deviceId);

  /** All devices of a vault, revoked ones included, in registration order. */
  List<Device> devices(byte[] vaultId);

  /**
   * Appends changes in order, atomically: all of them or none. Change ids are 16 bytes. Idempotent
   * by change id: a change whose id the vault's log already holds is not stored again, and its
   * existing entry is returned in its place. Sequence numbers continue the log without gaps; each
   * new entry's prev_hash and entry_hash follow {@link LogChain}.
   *
   * @return the entries of the given changes, in the given order
   * @throws QuotaExceededException if storing the new changes would take the vault past its byte
   *     quota; nothing is stored
   * @throws CapReachedException ({@link Cap#TOTAL_BYTES}) if they would take all vaults together
   *     past {@link StoreLimits#maxTotalBytes()}; nothing is stored
   * @throws UnknownVaultException if the vault is not registered
   */
  List<LogEntry> append(byte[] vaultId, List<Change> changes, long acceptedAtMillis);

  /**
   * Up to {@code limit} entries with seq greater than {@code afterSeq}, in seq order.
   *
   * @throws UnknownVaultException if the vault is not registered
   */
  List<LogEntry> read(byte[] vaultId, long afterSeq, int limit);

  /**
   * The last entry's seq and hash; seq 0 and 32 zero bytes for an empty log.
   *
   * @throws UnknownVaultException if the vault is not registered
   */
  Head head(byte[] vaultId);

  /**
   * Bytes the vault's log holds (payloads and signatures), as counted against its quota.
   *
   * @throws UnknownVaultException if the vault is not registered
   */
  long storedBytes(byte[] vaultId);

  /** Bytes all vaults' logs hold together, as counted against their quotas and the cap. */
  long totalStoredBytes();

  /** Vaults registered, as counted against {@link StoreLimits#maxVaults()}. */
  long vaultCount();

  /**
   * The identity the servers on this store name in their challenges: the one stored by the first
   * server that started on it, which is {@code proposed} when none was stored before. Devices pin
   * the identity at first contact, so every replica sharing a store, and a server restarted on
   * another address, must keep answering with the same one.
   */
  String serverIdentity(String proposed);

  /**
   * The check value of the server secret kept in this store: the one stored by the first server
   * that started on it (or on its schema from before check values were kept), which is {@code
   * proposed} when none was stored before. A server whose own check value differs was given another
   * secret than its replicas, and the sessions each issues would be refused by the other.
   */
  byte[] serverSecretCheck(byte[] proposed);

  /**
   * Replaces the kept check value with {@code check}: the secret was rotated, and every server on
   * the store is about to run with the new one.
   */
  void replaceServerSecretCheck(byte[] check);

  /** Records one read by a grant's provider: when, and how many memory revisions it was served. */
  void recordGrantRead(byte[] vaultId, byte[] grantId, long atMillis, long recordsServed);

  /** What {@link #recordGrantRead} recorded, per grant of the vault whose provider read. */
  List<GrantAccess> grantReads(byte[] vaultId);

  /**
   * Calls {@code listener} with the vault id and new head after entries are appended to any vault —
   * including appends made by other server processes sharing the same database. Delivery is
   * at-least-once and may coalesce several appends into one call. Listeners run on the store's
   * threads, one call at a time, and must return quickly (hand work off).
   *
   * @return a handle whose close() stops the calls
   */
  AutoCloseable subscribe(Consumer<Appended> listener);

  /** Notice that a vault's log grew to {@code head}. */
  record Appended(byte[] vaultId, Head head) {}

  @Override
  void close();

  /** The vault's quota would be exceeded; stable reason "QUOTA_EXCEEDED". */
  final class QuotaExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QuotaExceededException(String message) {
      super(message);
    }
  }

  /** A server-wide or per-device cap of {@link StoreLimits} that a call would pass. */
  enum Cap {
    VAULTS,
    TOTAL_BYTES,
    OPEN_PAIRINGS
  }

  /** The call would pass {@code cap}; nothing was stored. Reasons: GrpcErrors maps each cap. */
  final class CapReachedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Cap cap;

    public CapReachedException(Cap cap) {
      super(cap.name(), null, false, false);
      this.cap = cap;
    }

    public Cap cap() {
      return cap;
    }
  }

  /** No vault with that id; stable reason "UNKNOWN_VAULT". */
  final class UnknownVaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownVaultException(String message) {
      super(message);
    }
  }
}
