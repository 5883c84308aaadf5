package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Known answers for key epochs (docs/FORMAT.md, section 7.6), computed independently of this code
 * by docs/vectors/epoch_vectors.py with Python's {@code cryptography} (its own HPKE and AES-GCM).
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
  private static final byte[] SEALED_KEY =
      hex(
          "497100e7b4f3232db0a394d7b1a631f5d8eb56d74e2fddf4d12b5034eaf3bf39362f6dd50ccc7b04535b11e1"
              + "bc77e8e78679f304f3ca12a38f231b8d01397cb3ce4daa57368b55baecfefeca098a1aa5");
  private static final byte[] WRAPPED_PREVIOUS =
      hex(
          "808182838485868788898a8b4d3fdca446114ce40003fa431ecffb4d888dbba13912906386f702afad681f03"
              + "d8dfcd60c10611ad26af2179e49d883c");

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void contexts_matchTheVectors() {
    assertEquals(
        "0000001a6d656d7661756c742e73796e632e76312e65706f63682d6b6579"
            + "00000010000102030405060708090a0b0c0d0e0f"
            + "0000000400000001"
            + "00000010202122232425262728292a2b2c2d2e2f",
        HexFormat.of().formatHex(EpochKeySeals.deviceContext(VAULT, 1, DEVICE)));
    assertEquals(
        "000000236d656d7661756c742e73796e632e76312e65706f63682d6b65792e7265636f76657279"
            + "00000010000102030405060708090a0b0c0d0e0f"
            + "0000000400000001",
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
