package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;

/**
 * The vault root key: 256 random bits that wrap every other key of the vault (scope keysets and the
 * database key). It is itself stored only wrapped, by the passphrase and by the recovery key.
 *
 * <p>Never prints its bytes; has no equals or hashCode.
 */
public final class RootKey {
  public static final int BYTES = 32;

  private final SecretBytes secret;
  private final Aead aead;

  private RootKey(SecretBytes secret) throws GeneralSecurityException {
    this.secret = secret;
    this.aead = KeyWrap.aead(secret);
  }

  public static RootKey generate() {
    return of(SecretBytes.randomBytes(BYTES));
  }

  public static RootKey of(SecretBytes secret) {
    if (secret.size() != BYTES) {
      throw new IllegalArgumentException("root key must be " + BYTES + " bytes");
    }
    try {
      return new RootKey(secret);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM unavailable", e);
    }
  }

  /** The root key as an AEAD, for wrapping keysets and keys. */
  public Aead aead() {
    return aead;
  }

  /**
   * A Tink keyset encrypted under this key, bound to {@code associatedData} (Tink's {@code
   * EncryptedKeyset}), as every keyset a device keeps is stored.
   */
  public byte[] encryptKeyset(KeysetHandle keyset, byte[] associatedData)
      throws GeneralSecurityException {
    return TinkProtoKeysetFormat.serializeEncryptedKeyset(
        keyset, aead, associatedData, RegistryConfiguration.get());
  }

  /**
   * @throws GeneralSecurityException if {@code encrypted} is not a keyset encrypted under this key
   *     with {@code associatedData}
   */
  public KeysetHandle decryptKeyset(byte[] encrypted, byte[] associatedData)
      throws GeneralSecurityException {
    return TinkProtoKeysetFormat.parseEncryptedKeyset(
        encrypted, aead, associatedData, RegistryConfiguration.get());
  }

  /** The secret itself, for wrapping it under a passphrase or recovery key. */
  public SecretBytes secret() {
    return secret;
  }

  @Override
  public String toString() {
    return "RootKey[redacted]";
  }
}
