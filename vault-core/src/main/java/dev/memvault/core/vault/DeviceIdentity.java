package dev.memvault.core.vault;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.RecoveryReplaced;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * This device within its vault: its signing and encryption keys (stored wrapped by the local root
 * key), the device chain head it verified last, and the vault's first chain link it registers with
 * a server. Runs inside the caller's transaction.
 */
final class DeviceIdentity {
  /** The device chain head this device verified last ({@link ChainHead}). */
  static final String META_CHAIN_HEAD = "device_chain_head";

  /** The vault's first device chain link, made at creation, sent at registration. */
  static final String META_GENESIS = "device_chain_genesis";

  /**
   * The log position (seq, entry hash) the device that linked this one had verified; a log that
   * does not pass through it is another history than the one this device was linked into.
   */
  static final String META_LOG_ANCHOR = "join_log_anchor";

  /**
   * This device's HPKE keyset, encrypted under the local root key ({@link DeviceEncryptionKey}).
   */
  static final String META_ENCRYPTION_KEY = "device_encryption_key";

  private final MetaRows meta;
  private final SyncRows syncRows;
  private final RootKey rootKey;
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final Clock clock;
  private DeviceSigningKey signingKey;
  private DeviceEncryptionKey encryptionKey;

  DeviceIdentity(
      MetaRows meta,
      SyncRows syncRows,
      RootKey rootKey,
      byte[] vaultId,
      byte[] deviceId,
      Clock clock) {
    this.meta = meta;
    this.syncRows = syncRows;
    this.rootKey = rootKey;
    this.vaultId = vaultId;
    this.deviceId = deviceId;
    this.clock = clock;
  }

  /** This device's Ed25519 signing key, made and stored (encrypted) on first use. */
  DeviceSigningKey signingKey() throws SQLException, GeneralSecurityException {
    if (signingKey == null) {
      Optional<byte[]> stored = syncRows.deviceKey(deviceId);
      if (stored.isPresent()) {
        signingKey = DeviceSigningKey.decrypt(stored.get(), rootKey, vaultId, deviceId);
      } else {
        DeviceSigningKey fresh = DeviceSigningKey.generate();
        syncRows.putDeviceKey(deviceId, fresh.encrypt(rootKey, vaultId, deviceId));
        signingKey = fresh;
      }
    }
    return signingKey;
  }

  /**
   * This device's HPKE key, which epoch keys are sealed to; made and stored on first use by a vault
   * made before key epochs.
   */
  DeviceEncryptionKey encryptionKey() throws SQLException, GeneralSecurityException {
    if (encryptionKey == null) {
      byte[] stored = meta.get(META_ENCRYPTION_KEY);
      if (stored != null) {
        try {
          encryptionKey = DeviceEncryptionKey.decrypt(stored, rootKey, vaultId, deviceId);
        } catch (GeneralSecurityException otherDevice) {
          // A copy restored from a backup is a new device: the key it carries is bound to the
          // device it came from, and this one makes its own.
          encryptionKey = null;
        }
      }
      if (encryptionKey == null) {
        DeviceEncryptionKey fresh = DeviceEncryptionKey.generate();
        meta.put(META_ENCRYPTION_KEY, fresh.encrypt(rootKey, vaultId, deviceId));
        encryptionKey = fresh;
      }
    }
    return encryptionKey;
  }

  /** The encryption key this device had before its last rekey, if it had one. */
  Optional<DeviceEncryptionKey> previousEncryptionKey()
      throws SQLException, GeneralSecurityException {
    byte[] stored = meta.get(VaultRekey.META_PREVIOUS_ENCRYPTION_KEY);
    if (stored == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(DeviceEncryptionKey.decrypt(stored, rootKey, vaultId, deviceId));
    } catch (GeneralSecurityException otherDevice) {
      return Optional.empty(); // carried over by a restore from another device's backup
    }
  }

  /** The vault's original root key wrapped by the current recovery key, if a rekey stored it. */
  Optional<byte[]> originalRootByRecovery() throws SQLException {
    return Optional.ofNullable(meta.get(VaultRekey.META_ORIGINAL_ROOT_BY_RECOVERY));
  }

  /** The recovery key replacement a rekey left for the next sync to publish. */
  Optional<RecoveryReplaced> pendingRecoveryReplacement() throws SQLException {
    byte[] stored = meta.get(VaultRekey.META_PENDING_RECOVERY);
    if (stored == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(RecoveryReplaced.parseFrom(stored));
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("a stored recovery key replacement is damaged", e);
    }
  }

  /**
   * The public key of the recovery key this device's header wraps its root key for, when a rekey or
   * a replacement made it other than the vault's first; null before.
   */
  byte[] headerRecoveryPublicKey() throws SQLException {
    return meta.get(VaultRekey.META_HEADER_RECOVERY_KEY);
  }

  void saveHeaderRecoveryPublicKey(byte[] publicKey) throws SQLException {
    meta.put(VaultRekey.META_HEADER_RECOVERY_KEY, publicKey);
  }

  void recoveryReplacementPublished() throws SQLException {
    meta.delete(VaultRekey.META_PENDING_RECOVERY);
  }

  Optional<ChainHead> logAnchor() throws SQLException {
    return Optional.ofNullable(ChainHead.decode(meta.get(META_LOG_ANCHOR), deviceId));
  }

  /** Forgets the log position this device was linked at: it names a log that starts over. */
  void forgetLogAnchor() throws SQLException {
    meta.delete(META_LOG_ANCHOR);
  }

  Optional<ChainHead> trustedChainHead() throws SQLException {
    return Optional.ofNullable(ChainHead.decode(meta.get(META_CHAIN_HEAD), deviceId));
  }

  void saveTrustedChainHead(ChainHead head) throws SQLException {
    meta.put(META_CHAIN_HEAD, head.encode(deviceId));
  }

  /**
   * The vault's first device chain link by this device. Made at creation; a vault made before
   * device chains, or restored from a backup as a new device, gets one now, without a recovery key
   * (join --recovery then cannot find it).
   */
  SignedDeviceLink genesisLink(DeviceSigningKey key) throws SQLException {
    byte[] stored = meta.get(META_GENESIS);
    if (stored != null) {
      // Another device's genesis (this is a restored copy) does not count; neither would a
      // damaged one, which the server or the chain check would refuse anyway.
      try {
        SignedDeviceLink genesis = SignedDeviceLink.parseFrom(stored);
        Optional<ByteString> by = DeviceLinks.addedDevice(genesis);
        if (by.isPresent() && Arrays.equals(by.get().toByteArray(), deviceId)) {
          return genesis;
        }
      } catch (InvalidProtocolBufferException damaged) {
        // made anew below
      }
    }
    SignedDeviceLink genesis;
    try {
      genesis =
          DeviceLinks.genesis(
              vaultId,
              deviceId,
              key,
              encryptionKey().publicKeyset(),
              Optional.empty(),
              clock.millis());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this device's encryption key does not decrypt", e);
    }
    meta.put(META_GENESIS, genesis.toByteArray());
    meta.put(META_CHAIN_HEAD, new ChainHead(1, DeviceChain.linkHash(genesis)).encode(deviceId));
    return genesis;
  }
}
