package dev.memvault.core.sync;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.RootKey;
import java.security.GeneralSecurityException;

/**
 * This device's Ed25519 signing keyset (Tink), with which it signs in to a sync server and signs
 * every change it pushes. Stored only encrypted under the vault root key, with the vault and device
 * ids as associated data, so it cannot be moved to another device's row.
 *
 * <p>Never prints key material; has no equals or hashCode.
 */
public final class DeviceSigningKey {
  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final KeysetHandle handle;
  private final PublicKeySign signer;

  private DeviceSigningKey(KeysetHandle handle) throws GeneralSecurityException {
    this.handle = handle;
    this.signer = handle.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
  }

  public static DeviceSigningKey generate() {
    try {
      return new DeviceSigningKey(
          KeysetHandle.generateNew(
              PredefinedSignatureParameters.ED25519, RegistryConfiguration.get()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 keys unavailable", e);
    }
  }

  /**
   * @throws GeneralSecurityException if the keyset does not decrypt under this root key for this
   *     vault and device
   */
  public static DeviceSigningKey decrypt(
      byte[] encrypted, RootKey root, byte[] vaultId, byte[] deviceId)
      throws GeneralSecurityException {
    return new DeviceSigningKey(root.decryptKeyset(encrypted, associatedData(vaultId, deviceId)));
  }

  public byte[] encrypt(RootKey root, byte[] vaultId, byte[] deviceId)
      throws GeneralSecurityException {
    return root.encryptKeyset(handle, associatedData(vaultId, deviceId));
  }

  /** A Tink signature (5-byte key id prefix, 64-byte Ed25519 signature) over {@code data}. */
  public byte[] sign(byte[] data) {
    try {
      return signer.sign(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  /** The Tink-serialized public keyset, which holds no secret material. */
  public byte[] publicKeyset() {
    try {
      return TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
          handle.getPublicKeysetHandle(), RegistryConfiguration.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialize the public keyset", e);
    }
  }

  @Override
  public String toString() {
    return "DeviceSigningKey[redacted]";
  }

  private static byte[] associatedData(byte[] vaultId, byte[] deviceId) {
    return AssociatedData.labeled("memvault.v1.device-signing-keyset")
        .bytes(vaultId)
        .bytes(deviceId)
        .encode();
  }
}
