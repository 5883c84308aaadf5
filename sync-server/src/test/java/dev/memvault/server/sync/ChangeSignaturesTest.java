package dev.memvault.server.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.DeviceSignatureVerifier;
import dev.memvault.proto.sync.SigningInputs;
import dev.memvault.proto.sync.v1.Change;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checking a batch's signatures on several threads gives the answer of one loop over the batch:
 * true if and only if every signature verifies, wherever in the batch a bad one is.
 */
class ChangeSignaturesTest {
  private static final Random RANDOM = new Random(20261128);
  private static final byte[] VAULT = id();
  private static final byte[] DEVICE = id();

  private static PublicKeySign signer;
  private static PublicKeyVerify verifier;

  @BeforeAll
  static void keys() throws GeneralSecurityException {
    SignatureConfig.register();
    KeysetHandle keys = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    signer = keys.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    verifier =
        DeviceSignatureVerifier.of(
            ByteString.copyFrom(
                TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
                    keys.getPublicKeysetHandle(), RegistryConfiguration.get())));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void allVerify_everyBatchSizeAllSigned_true(int threads) throws Exception {
    try (ChangeSignatures signatures = new ChangeSignatures(threads)) {
      for (int size : new int[] {0, 1, ChangeSignatures.MIN_SLICE, 33, 200}) {
        assertTrue(signatures.allVerify(verifier, VAULT, signed(size)), "batch of " + size);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void allVerify_oneBadSignatureAtAnyPosition_false(int threads) throws Exception {
    List<Change> batch = signed(70);
    try (ChangeSignatures signatures = new ChangeSignatures(threads)) {
      for (int bad = 0; bad < batch.size(); bad++) {
        List<Change> tampered = new ArrayList<>(batch);
        byte[] signature = batch.get(bad).getSignature().toByteArray();
        signature[RANDOM.nextInt(signature.length)] ^= (byte) (1 << RANDOM.nextInt(8));
        tampered.set(
            bad, batch.get(bad).toBuilder().setSignature(ByteString.copyFrom(signature)).build());
        assertFalse(signatures.allVerify(verifier, VAULT, tampered), "bad signature at " + bad);
      }
    }
  }

  @Test
  void allVerify_signedForAnotherVault_false() throws Exception {
    try (ChangeSignatures signatures = new ChangeSignatures(3)) {
      assertFalse(signatures.allVerify(verifier, id(), signed(64)));
    }
  }

  @Test
  void allVerify_afterClose_stillChecksInTheCaller() throws Exception {
    ChangeSignatures signatures = new ChangeSignatures(3);
    signatures.close();
    assertTrue(signatures.allVerify(verifier, VAULT, signed(64)));
  }

  @Test
  void allVerify_verifierFailsUnexpectedly_sameExceptionAsInTheCaller() {
    PublicKeyVerify broken =
        (signature, data) -> {
          throw new IllegalStateException("broken verifier");
        };
    try (ChangeSignatures signatures = new ChangeSignatures(3)) {
      assertThrows(
          IllegalStateException.class, () -> signatures.allVerify(broken, VAULT, signed(64)));
    }
  }

  @Test
  void new_negativeThreads_refused() {
    assertThrows(IllegalArgumentException.class, () -> new ChangeSignatures(-1));
  }

  private static List<Change> signed(int count) throws GeneralSecurityException {
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[RANDOM.nextInt(1500)];
      RANDOM.nextBytes(payload);
      Change unsigned =
          Change.newBuilder()
              .setChangeId(ByteString.copyFrom(id()))
              .setDeviceId(ByteString.copyFrom(DEVICE))
              .setRecordId(ByteString.copyFrom(id()))
              .setPayload(ByteString.copyFrom(payload))
              .build();
      changes.add(
          unsigned.toBuilder()
              .setSignature(
                  ByteString.copyFrom(signer.sign(SigningInputs.change(VAULT, unsigned))))
              .build());
    }
    return changes;
  }

  private static byte[] id() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return id;
  }
}
