package dev.memvault.core.vault;

import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceSigningKey;

/**
 * What a new device of a vault starts from ({@link Vault#createJoined}): the vault's id and root
 * key, the root key wrapped by the recovery key (so the recovery key works on this device too;
 * empty if none was shared), this device's own id and signing key, and the device chain head it
 * trusts, which includes its own addition. Made inside vault-core only, from a key package ({@code
 * KeyPackages.Recipient#open}) or the recovery key ({@link #byRecovery}): the root key it holds
 * never leaves vault-core.
 */
public final class JoiningDevice {
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final RootKey root;
  private final byte[] rootKeyByRecovery;
  private final DeviceSigningKey signingKey;
  private final ChainHead chainHead;

  private JoiningDevice(
      byte[] vaultId,
      byte[] deviceId,
      RootKey root,
      byte[] rootKeyByRecovery,
      DeviceSigningKey signingKey,
      ChainHead chainHead) {
    this.vaultId = vaultId.clone();
    this.deviceId = deviceId.clone();
    this.root = root;
    this.rootKeyByRecovery = rootKeyByRecovery.clone();
    this.signingKey = signingKey;
    this.chainHead = chainHead;
  }

  /** For vault-core's key package opening; {@link RootKey} is not part of the public API. */
  public static JoiningDevice of(
      byte[] vaultId,
      byte[] deviceId,
      RootKey root,
      byte[] rootKeyByRecovery,
      DeviceSigningKey signingKey,
      ChainHead chainHead) {
    return new JoiningDevice(vaultId, deviceId, root, rootKeyByRecovery, signingKey, chainHead);
  }

  /**
   * A new device of vault {@code vaultId} that unwraps the root key from {@code rootKeyByRecovery}
   * (the wrapping a device registered with its sync server) with the recovery key as a person typed
   * it (join --recovery).
   *
   * @throws dev.memvault.core.VaultException.WrongKey if the recovery key does not unwrap it
   */
  public static JoiningDevice byRecovery(
      String recoveryKeyText,
      byte[] vaultId,
      byte[] rootKeyByRecovery,
      byte[] deviceId,
      DeviceSigningKey signingKey,
      ChainHead chainHead) {
    RootKey root =
        VaultKeys.unwrapRootByRecovery(
            "the vault the sync server holds for it", vaultId, rootKeyByRecovery, recoveryKeyText);
    return new JoiningDevice(vaultId, deviceId, root, rootKeyByRecovery, signingKey, chainHead);
  }

  byte[] vaultId() {
    return vaultId.clone();
  }

  byte[] deviceId() {
    return deviceId.clone();
  }

  RootKey root() {
    return root;
  }

  byte[] rootKeyByRecovery() {
    return rootKeyByRecovery.clone();
  }

  DeviceSigningKey signingKey() {
    return signingKey;
  }

  ChainHead chainHead() {
    return chainHead;
  }

  @Override
  public String toString() {
    return "JoiningDevice[keys redacted]";
  }
}
