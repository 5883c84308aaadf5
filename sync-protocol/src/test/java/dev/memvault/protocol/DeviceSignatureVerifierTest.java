package dev.memvault.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.util.Bytes;
import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Bouncy Castle verifier of device signatures accepts exactly what Tink's own verifier accepts:
 * every Tink signature of the keyset's keys, and nothing altered or signed by another key.
 */
class DeviceSignatureVerifierTest {
  private static final Random RANDOM = new Random(20261128);

  @BeforeAll
  static void register() throws GeneralSecurityException {
    SignatureConfig.register();
  }

  @Test
  void tinkSignatures_verify_andEveryFlippedBitOrForeignKeyIsRefusedAsByTink() throws Exception {
    KeysetHandle keys = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    PublicKeySign signer = keys.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    PublicKeyVerify fast = DeviceSignatureVerifier.of(publicKeyset(keys));
    PublicKeyVerify tink = tinkVerifier(keys);
    PublicKeySign stranger =
        KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519)
            .getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);

    for (int round = 0; round < 20; round++) {
      byte[] data = new byte[RANDOM.nextInt(2000)];
      RANDOM.nextBytes(data);
      byte[] signature = signer.sign(data);
      assertDoesNotThrow(() -> fast.verify(signature, data));
      for (int bit = 0; bit < signature.length * 8; bit += 1 + RANDOM.nextInt(16)) {
        byte[] flipped = signature.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThrows(GeneralSecurityException.class, () -> tink.verify(flipped, data));
        assertThrows(GeneralSecurityException.class, () -> fast.verify(flipped, data));
      }
      if (data.length > 0) {
        byte[] other = data.clone();
        other[RANDOM.nextInt(other.length)] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> fast.verify(signature, other));
      }
      assertThrows(GeneralSecurityException.class, () -> fast.verify(stranger.sign(data), data));
      assertThrows(GeneralSecurityException.class, () -> fast.verify(new byte[0], data));
    }
  }

  @Test
  void rotatedKeyset_signaturesOfEveryEnabledKeyVerify() throws Exception {
    KeysetHandle first = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    KeysetHandle rotated =
        KeysetHandle.newBuilder(first)
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedSignatureParameters.ED25519)
                    .withRandomId()
                    .makePrimary())
            .build();
    byte[] data = "a change".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    PublicKeyVerify fast = DeviceSignatureVerifier.of(publicKeyset(rotated));

    fast.verify(
        first.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(data), data);
    fast.verify(
        rotated.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(data), data);
  }

  @Test
  void rawAndLegacyVariants_verifyAsTinkDoes() throws Exception {
    for (Ed25519Parameters.Variant variant :
        new Ed25519Parameters.Variant[] {
          Ed25519Parameters.Variant.NO_PREFIX, Ed25519Parameters.Variant.LEGACY
        }) {
      KeysetHandle keys = KeysetHandle.generateNew(Ed25519Parameters.create(variant));
      byte[] data = "signed".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] signature =
          keys.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(data);
      PublicKeyVerify fast = DeviceSignatureVerifier.of(publicKeyset(keys));

      fast.verify(signature, data);
      byte[] flipped = signature.clone();
      flipped[flipped.length - 1] ^= 1;
      assertThrows(GeneralSecurityException.class, () -> fast.verify(flipped, data));
    }
  }

  /**
   * Keys are decoded once, and a key that Bouncy Castle's full validation refuses (small order, a
   * non-canonical encoding, not on the curve) is checked from its bytes: either way the answer is
   * Bouncy Castle's Ed25519.verify over the key's bytes.
   */
  @Test
  void anyPublicKeyBytes_sameAnswerAsVerifyingFromTheKeyBytes() throws Exception {
    byte[] identity = new byte[32];
    identity[0] = 1;
    byte[] nonCanonical = new byte[32];
    Arrays.fill(nonCanonical, (byte) 0xff);
    nonCanonical[31] = 0x7f;
    byte[] privateKey = new byte[32];
    RANDOM.nextBytes(privateKey);
    byte[] valid = new byte[32];
    Ed25519.generatePublicKey(privateKey, 0, valid, 0);
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    byte[] data = "a change".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] signedByValid = new byte[64];
    Ed25519.sign(privateKey, 0, data, 0, data.length, signedByValid, 0);

    for (byte[] publicKey : new byte[][] {identity, nonCanonical, valid, random}) {
      KeysetHandle keys =
          KeysetHandle.newBuilder()
              .addEntry(
                  KeysetHandle.importKey(Ed25519PublicKey.create(Bytes.copyFrom(publicKey)))
                      .withRandomId()
                      .makePrimary())
              .build();
      PublicKeyVerify fast =
          DeviceSignatureVerifier.of(
              ByteString.copyFrom(
                  TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
                      keys, RegistryConfiguration.get())));
      byte[] randomSignature = new byte[64];
      RANDOM.nextBytes(randomSignature);
      for (byte[] signature : new byte[][] {signedByValid, randomSignature}) {
        boolean expected = Ed25519.verify(signature, 0, publicKey, 0, data, 0, data.length);
        boolean actual;
        try {
          fast.verify(signature, data);
          actual = true;
        } catch (GeneralSecurityException e) {
          actual = false;
        }
        assertEquals(expected, actual);
      }
    }
  }

  private static ByteString publicKeyset(KeysetHandle keys) throws GeneralSecurityException {
    return ByteString.copyFrom(
        TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
            keys.getPublicKeysetHandle(), RegistryConfiguration.get()));
  }

  private static PublicKeyVerify tinkVerifier(KeysetHandle keys) throws GeneralSecurityException {
    return keys.getPublicKeysetHandle()
        .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
  }
}
