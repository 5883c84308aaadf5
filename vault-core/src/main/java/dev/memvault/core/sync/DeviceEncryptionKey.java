package dev.memvault.core.sync;

import com.google.crypto.tink.KeysetHandle;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.Hpke;
import dev.memvault.core.internal.crypto.RootKey;
import java.security.GeneralSecurityException;

/**
 * This device's HPKE key pair (X25519): the vault's epoch keys are sealed to its public keyset,
 * which the device chain publishes (docs/FORMAT.md, "Key epochs"). Stored only encrypted under the
 * device's local root key, bound to the vault and device ids.
 *
 * <p>Never prints key material; has no equals or hashCode.
 */
public final class DeviceEncryptionKey {
  private final KeysetHandle handle;

  private DeviceEncryptionKey(KeysetHandle handle) {
    this.handle = handle;
  }

  public static DeviceEncryptionKey generate() {
    return new DeviceEncryptionKey(Hpke.generate());
  }

  static DeviceEncryptionKey of(KeysetHandle handle) {
    return new DeviceEncryptionKey(handle);
  }

  /**
   * @throws GeneralSecurityException if it does not decrypt under this key for this vault and
   *     device
   */
  public static DeviceEncryptionKey decrypt(
      byte[] encrypted, RootKey root, byte[] vaultId, byte[] deviceId)
      throws GeneralSecurityException {
    return new DeviceEncryptionKey(
        root.decryptKeyset(encrypted, associatedData(vaultId, deviceId)));
  }

  public byte[] encrypt(RootKey root, byte[] vaultId, byte[] deviceId)
      throws GeneralSecurityException {
    return root.encryptKeyset(handle, associatedData(vaultId, deviceId));
  }

  /** The Tink-serialized HPKE public keyset, as the device chain carries it. */
  public byte[] publicKeyset() {
    return Hpke.publicKeyset(handle);
  }

  /**
   * @throws GeneralSecurityException if it was not sealed to this key under {@code context}
   */
  public byte[] open(byte[] ciphertext, byte[] context) throws GeneralSecurityException {
    return Hpke.open(handle, ciphertext, context);
  }

  @Override
  public String toString() {
    return "DeviceEncryptionKey[redacted]";
  }

  private static byte[] associatedData(byte[] vaultId, byte[] deviceId) {
    return AssociatedData.labeled("memvault.v1.device-encryption-key")
        .bytes(vaultId)
        .bytes(deviceId)
        .encode();
  }
}
