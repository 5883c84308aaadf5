package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.subtle.X25519;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * HPKE as memvault uses it (RFC 9180 base mode through Tink: DHKEM X25519 with HKDF-SHA256,
 * HKDF-SHA256, AES-256-GCM, no output prefix). Public keys travel as Tink-serialized public
 * keysets; the context info binds each ciphertext to what it is for, so that one sealed for one
 * purpose never opens as another.
 */
public final class Hpke {
  public static final HpkeParameters PARAMETERS;

  static {
    try {
      HybridConfig.register();
      PARAMETERS =
          HpkeParameters.builder()
              .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
              .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
              .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
              .setVariant(HpkeParameters.Variant.NO_PREFIX)
              .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Hpke() {}

  /** A fresh private keyset. */
  public static KeysetHandle generate() {
    try {
      return KeysetHandle.generateNew(PARAMETERS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HPKE unavailable", e);
    }
  }

  /**
   * The private keyset whose X25519 private key is {@code seed} (32 bytes from a KDF): the same
   * seed always gives the same key pair, so that a key derived from a recovery key needs no
   * storage.
   */
  public static KeysetHandle fromSeed(SecretBytes seed) {
    byte[] privateBytes = seed.toByteArray(InsecureSecretKeyAccess.get());
    try {
      HpkePublicKey publicKey =
          HpkePublicKey.create(
              PARAMETERS, Bytes.copyFrom(X25519.publicFromPrivate(privateBytes)), null);
      HpkePrivateKey privateKey =
          HpkePrivateKey.create(
              publicKey, SecretBytes.copyFrom(privateBytes, InsecureSecretKeyAccess.get()));
      return KeysetHandle.newBuilder()
          .addEntry(KeysetHandle.importKey(privateKey).withFixedId(1).makePrimary())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HPKE unavailable", e);
    } finally {
      Arrays.fill(privateBytes, (byte) 0);
    }
  }

  /** The Tink-serialized public keyset of {@code privateKeyset}. */
  public static byte[] publicKeyset(KeysetHandle privateKeyset) {
    try {
      return TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
          privateKeyset.getPublicKeysetHandle(), RegistryConfiguration.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialize an HPKE public keyset", e);
    }
  }

  /**
   * @throws GeneralSecurityException if {@code publicKeyset} is not an HPKE public keyset
   */
  public static byte[] seal(byte[] publicKeyset, byte[] plaintext, byte[] context)
      throws GeneralSecurityException {
    HybridEncrypt encrypt =
        TinkProtoKeysetFormat.parseKeysetWithoutSecret(publicKeyset, RegistryConfiguration.get())
            .getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
    return encrypt.encrypt(plaintext, context);
  }

  /**
   * @throws GeneralSecurityException if it was not sealed to this key under this context
   */
  public static byte[] open(KeysetHandle privateKeyset, byte[] ciphertext, byte[] context)
      throws GeneralSecurityException {
    return privateKeyset
        .getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class)
        .decrypt(ciphertext, context);
  }
}
