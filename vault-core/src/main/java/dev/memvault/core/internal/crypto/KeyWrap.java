package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Encrypts one key under another with AES-256-GCM (random 96-bit nonce, 128-bit tag), binding
 * associated data that says which key it is and for which vault.
 */
public final class KeyWrap {
  private KeyWrap() {}

  public static byte[] wrap(SecretBytes wrappingKey, SecretBytes secret, byte[] associatedData)
      throws GeneralSecurityException {
    byte[] plain = secret.toByteArray(InsecureSecretKeyAccess.get());
    try {
      return aead(wrappingKey).encrypt(plain, associatedData);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * @throws GeneralSecurityException "decryption failed" for a wrong key, tampered ciphertext or
   *     different associated data, without saying which
   */
  public static SecretBytes unwrap(SecretBytes wrappingKey, byte[] wrapped, byte[] associatedData)
      throws GeneralSecurityException {
    byte[] plain;
    try {
      plain = aead(wrappingKey).decrypt(wrapped, associatedData);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new GeneralSecurityException("decryption failed");
    }
    try {
      return SecretBytes.copyFrom(plain, InsecureSecretKeyAccess.get());
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  static Aead aead(SecretBytes key) throws GeneralSecurityException {
    byte[] raw = key.toByteArray(InsecureSecretKeyAccess.get());
    try {
      return new AesGcmJce(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }
}
