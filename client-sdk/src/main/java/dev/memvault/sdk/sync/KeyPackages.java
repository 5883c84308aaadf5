package dev.memvault.sdk.sync;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HybridConfig;
import dev.memvault.protocol.CanonicalEncoding;
import java.security.GeneralSecurityException;

/**
 * HPKE (Tink; X25519, HKDF-SHA256, AES-256-GCM) for device linking: the new device makes a key
 * pair for this one linking, and the existing device seals the key package to its public key, with
 * the pairing id as context so that a package cannot be replayed into another pairing.
 */
final class KeyPackages {
  static final String JOIN_REQUEST_LABEL = "memvault.sync.v1.join-request";
  static final String KEY_PACKAGE_LABEL = "memvault.sync.v1.key-package";

  private static final HpkeParameters PARAMETERS;

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

  private KeyPackages() {}

  /** A fresh HPKE private keyset, kept in memory only for the duration of one join. */
  static KeysetHandle newRecipient() {
    try {
      return KeysetHandle.generateNew(PARAMETERS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HPKE unavailable", e);
    }
  }

  static byte[] publicKeyset(KeysetHandle recipient) {
    try {
      return TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
          recipient.getPublicKeysetHandle(), RegistryConfiguration.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialize an HPKE public keyset", e);
    }
  }

  /**
   * @throws GeneralSecurityException if {@code publicKeyset} is not an HPKE public keyset
   */
  static byte[] seal(byte[] publicKeyset, byte[] plaintext, byte[] pairingId)
      throws GeneralSecurityException {
    HybridEncrypt encrypt =
        TinkProtoKeysetFormat.parseKeysetWithoutSecret(publicKeyset, RegistryConfiguration.get())
            .getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
    return encrypt.encrypt(plaintext, context(pairingId));
  }

  /**
   * @throws GeneralSecurityException if the ciphertext was not sealed to this recipient for this
   *     pairing
   */
  static byte[] open(KeysetHandle recipient, byte[] ciphertext, byte[] pairingId)
      throws GeneralSecurityException {
    HybridDecrypt decrypt = recipient.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
    return decrypt.decrypt(ciphertext, context(pairingId));
  }

  private static byte[] context(byte[] pairingId) {
    return CanonicalEncoding.encode(KEY_PACKAGE_LABEL, pairingId);
  }
}
