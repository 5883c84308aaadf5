package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.EpochKeySeals;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.RecoverySigningKey;
import dev.memvault.proto.sync.v1.EpochStarted;
import dev.memvault.protocol.DeviceChain;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a new device of a vault starts from ({@link Vault#createJoined}): the vault's id, every
 * epoch key of its root key (epoch 0, the original root key, first), the root key wrapped by the
 * recovery key (so the recovery key works on this device too; empty if none was shared), this
 * device's own id, signing key and encryption key, and the device chain head it trusts, which
 * includes its own addition, with the log position the linking device verified. Made inside
 * vault-core only, from a key package ({@code KeyPackages.Recipient#open}) or the recovery key
 * ({@link #byRecovery}): the keys it holds never leave vault-core.
 */
public final class JoiningDevice {
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final Map<Integer, RootKey> epochKeys;
  private final byte[] rootKeyByRecovery;
  private final DeviceSigningKey signingKey;
  private final DeviceEncryptionKey encryptionKey;
  private final ChainHead chainHead;
  private final Optional<ChainHead> logAnchor;

  private JoiningDevice(
      byte[] vaultId,
      byte[] deviceId,
      Map<Integer, RootKey> epochKeys,
      byte[] rootKeyByRecovery,
      DeviceSigningKey signingKey,
      DeviceEncryptionKey encryptionKey,
      ChainHead chainHead,
      Optional<ChainHead> logAnchor) {
    if (!epochKeys.containsKey(0)) {
      throw new IllegalArgumentException("a joining device needs the vault's original root key");
    }
    this.vaultId = vaultId.clone();
    this.deviceId = deviceId.clone();
    this.epochKeys = Collections.unmodifiableMap(new TreeMap<>(epochKeys));
    this.rootKeyByRecovery = rootKeyByRecovery.clone();
    this.signingKey = signingKey;
    this.encryptionKey = encryptionKey;
    this.chainHead = chainHead;
    this.logAnchor = logAnchor;
  }

  /** For vault-core's key package opening; {@link RootKey} is not part of the public API. */
  public static JoiningDevice of(
      byte[] vaultId,
      byte[] deviceId,
      Map<Integer, RootKey> epochKeys,
      byte[] rootKeyByRecovery,
      DeviceSigningKey signingKey,
      DeviceEncryptionKey encryptionKey,
      ChainHead chainHead,
      Optional<ChainHead> logAnchor) {
    return new JoiningDevice(
        vaultId,
        deviceId,
        epochKeys,
        rootKeyByRecovery,
        signingKey,
        encryptionKey,
        chainHead,
        logAnchor);
  }

  /**
   * A new device of vault {@code vaultId} that unwraps the root key from {@code rootKeyByRecovery}
   * (the wrapping a device registered with its sync server) with the recovery key as a person typed
   * it (join --recovery), and opens the newest key epoch of the verified {@code chain} with the
   * recovery key, and from it every epoch before.
   *
   * @throws VaultException.WrongKey if the recovery key does not unwrap it
   * @throws VaultException.Corrupt if an epoch sealed to the recovery key does not open
   */
  public static JoiningDevice byRecovery(
      String recoveryKeyText,
      byte[] vaultId,
      byte[] rootKeyByRecovery,
      byte[] deviceId,
      DeviceSigningKey signingKey,
      DeviceEncryptionKey encryptionKey,
      DeviceChain chain,
      ChainHead chainHead) {
    RootKey root =
        VaultKeys.unwrapRootByRecovery(
            "the vault the sync server holds for it", vaultId, rootKeyByRecovery, recoveryKeyText);
    Map<Integer, RootKey> epochKeys = new TreeMap<>();
    epochKeys.put(0, root);
    List<EpochStarted> epochs = chain.epochs();
    if (!epochs.isEmpty()) {
      RecoverySigningKey recovery =
          RecoverySigningKey.derive(VaultKeys.parseRecoveryKey(recoveryKeyText));
      EpochStarted newest = epochs.get(epochs.size() - 1);
      if (newest.getSealedToRecovery().isEmpty()) {
        throw new VaultException.WrongKey(
            "this vault's recovery key was made before key epochs and does not open what was"
                + " written after a device was revoked; join with a pairing code from a device of"
                + " the vault instead");
      }
      try {
        RootKey key =
            recovery.openEpochKey(
                vaultId, newest.getEpoch(), newest.getSealedToRecovery().toByteArray());
        for (int i = epochs.size() - 1; i >= 0; i--) {
          EpochStarted epoch = epochs.get(i);
          epochKeys.put(epoch.getEpoch(), key);
          key =
              EpochKeySeals.unwrapPrevious(
                  key, epoch.getPreviousKey().toByteArray(), vaultId, epoch.getEpoch());
        }
        if (!key.secret().equalsSecretBytes(root.secret())) {
          throw new GeneralSecurityException("the epochs do not lead back to the root key");
        }
      } catch (GeneralSecurityException e) {
        throw new VaultException.Corrupt(
            "the vault's key epochs on the sync server do not open with this recovery key ("
                + e.getMessage()
                + "); refusing to join");
      }
    }
    return new JoiningDevice(
        vaultId,
        deviceId,
        epochKeys,
        rootKeyByRecovery,
        signingKey,
        encryptionKey,
        chainHead,
        Optional.empty());
  }

  byte[] vaultId() {
    return vaultId.clone();
  }

  byte[] deviceId() {
    return deviceId.clone();
  }

  /** The vault's original root key, which becomes this device's local root key. */
  RootKey root() {
    return epochKeys.get(0);
  }

  Map<Integer, RootKey> epochKeys() {
    return epochKeys;
  }

  byte[] rootKeyByRecovery() {
    return rootKeyByRecovery.clone();
  }

  DeviceSigningKey signingKey() {
    return signingKey;
  }

  DeviceEncryptionKey encryptionKey() {
    return encryptionKey;
  }

  ChainHead chainHead() {
    return chainHead;
  }

  /**
   * The log position the linking device had verified (its seq and entry hash), which this device's
   * first pull must pass through; empty when joining by recovery key, with no device to vouch.
   */
  Optional<ChainHead> logAnchor() {
    return logAnchor;
  }

  @Override
  public String toString() {
    return "JoiningDevice[keys redacted]";
  }
}
