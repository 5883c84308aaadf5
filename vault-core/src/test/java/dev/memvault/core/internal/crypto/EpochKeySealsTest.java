package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.testing.FormatDocument;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Known answers for key epochs (docs/FORMAT.md, section 7.6, read from the document), computed
 * independently of this code by docs/vectors/epoch_vectors.py with Python's {@code cryptography}
 * (its own HPKE and AES-GCM).
 */
class EpochKeySealsTest {
  private static final byte[] VAULT = hex("000102030405060708090a0b0c0d0e0f");
  private static final byte[] DEVICE = hex("202122232425262728292a2b2c2d2e2f");
  private static final byte[] DEVICE_SEED =
      hex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef");
  private static final byte[] EPOCH_KEY =
      hex("404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f");
  private static final byte[] PREVIOUS_KEY =
      hex("606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f");
  private static final Map<String, String> PRINTED = FormatDocument.lastBlockValues("7.6 ");
  private static final byte[] SEALED_KEY = hex(PRINTED.get("sealed_key"));
  private static final byte[] WRAPPED_PREVIOUS = hex(PRINTED.get("previous_key"));

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void contexts_matchTheVectors() {
    assertEquals(
        PRINTED.get("device_context"),
        HexFormat.of().formatHex(EpochKeySeals.deviceContext(VAULT, 1, DEVICE)));
    assertEquals(
        PRINTED.get("recovery_context"),
        HexFormat.of().formatHex(EpochKeySeals.recoveryContext(VAULT, 1)));
  }

  @Test
  void pythonsSealedEpochKey_opensToTheEpochKeyWhichUnwrapsThePreviousOne() throws Exception {
    RootKey epochKey =
        EpochKeySeals.fromOpened(
            Hpke.open(
                Hpke.fromSeed(SecretBytes.copyFrom(DEVICE_SEED, InsecureSecretKeyAccess.get())),
                SEALED_KEY,
                EpochKeySeals.deviceContext(VAULT, 1, DEVICE)));
    RootKey previous = EpochKeySeals.unwrapPrevious(epochKey, WRAPPED_PREVIOUS, VAULT, 1);

    assertArrayEquals(EPOCH_KEY, epochKey.secret().toByteArray(InsecureSecretKeyAccess.get()));
    assertArrayEquals(PREVIOUS_KEY, previous.secret().toByteArray(InsecureSecretKeyAccess.get()));
  }

  @Test
  void sealedEpochKey_forAnotherDeviceOrEpoch_doesNotOpen() {
    for (byte[] context :
        new byte[][] {
          EpochKeySeals.deviceContext(VAULT, 2, DEVICE),
          EpochKeySeals.deviceContext(VAULT, 1, VAULT)
        }) {
      assertThrows(
          GeneralSecurityException.class,
          () ->
              Hpke.open(
                  Hpke.fromSeed(SecretBytes.copyFrom(DEVICE_SEED, InsecureSecretKeyAccess.get())),
                  SEALED_KEY,
                  context));
    }
  }
}
