package dev.memvault.proto.sync;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Bouncy Castle verifier of device signatures accepts exactly what Tink's own verifier
 * accepts: every Tink signature of the keyset's keys, and nothing altered or signed by another key.
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

    fast.verify(first.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(data), data);
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
      byte[] signature = keys.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(data);
      PublicKeyVerify fast = DeviceSignatureVerifier.of(publicKeyset(keys));

      fast.verify(signature, data);
      byte[] flipped = signature.clone();
      flipped[flipped.length - 1] ^= 1;
      assertThrows(GeneralSecurityException.class, () -> fast.verify(flipped, data));
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
