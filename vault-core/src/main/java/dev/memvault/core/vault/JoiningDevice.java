package dev.memvault.core.vault;

import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceSigningKey;

/**
 * What a new device of a vault starts from ({@link Vault#createJoined}): the vault's id and root
 * key, the root key wrapped by the recovery key (so the recovery key works on this device too;
 * empty if none was shared), this device's own id and signing key, and the device chain head it
 * trusts, which includes its own addition.
 */
public record JoiningDevice(
    byte[] vaultId,
    byte[] deviceId,
    RootKey root,
    byte[] rootKeyByRecovery,
    DeviceSigningKey signingKey,
    ChainHead chainHead) {
  @Override
  public String toString() {
    return "JoiningDevice[keys redacted]";
  }
}
