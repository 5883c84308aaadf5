package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PassphraseKdfTest {
  private static final byte[] SALT = "somesalt".getBytes(StandardCharsets.US_ASCII);

  /** Cheap parameters: derive() itself has no floor (KdfParameters.fromProto enforces it). */
  private static final KdfParameters CHEAP = new KdfParameters(256, 2, 1, SALT);

  /**
   * Argon2id v1.3 reference vectors from P-H-C/phc-winner-argon2 src/test.c: password "password",
   * salt "somesalt", p = 1, 32-byte output.
   */
  @ParameterizedTest
  @CsvSource({
    "65536, 2, 09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7",
    "256, 2, 9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe",
  })
  void derive_referenceVector_matches(int memoryKib, int iterations, String expectedHex) {
    SecretBytes key =
        PassphraseKdf.derive(
            "password".toCharArray(), new KdfParameters(memoryKib, iterations, 1, SALT));
    assertEquals(expectedHex, hex(key));
  }

  @Test
  void derive_composedAndDecomposedAccents_sameKey() {
    String composed = "caf\u00e9 Z\u00fcrich";
    String decomposed = "cafe\u0301 Zu\u0308rich";
    assertNotEquals(composed, decomposed);

    assertEquals(
        hex(PassphraseKdf.derive(composed.toCharArray(), CHEAP)),
        hex(PassphraseKdf.derive(decomposed.toCharArray(), CHEAP)));
  }

  @Test
  void derive_otherSaltOrPassphraseOrCost_otherKey() {
    String base = hex(PassphraseKdf.derive("password".toCharArray(), CHEAP));
    byte[] otherSalt = SALT.clone();
    otherSalt[0] ^= 1;

    assertNotEquals(base, hex(PassphraseKdf.derive("Password".toCharArray(), CHEAP)));
    assertNotEquals(
        base,
        hex(
            PassphraseKdf.derive(
                "password".toCharArray(), new KdfParameters(256, 2, 1, otherSalt))));
    assertNotEquals(
        base,
        hex(PassphraseKdf.derive("password".toCharArray(), new KdfParameters(256, 3, 1, SALT))));
    assertNotEquals(
        base,
        hex(PassphraseKdf.derive("password".toCharArray(), new KdfParameters(264, 2, 1, SALT))));
    assertNotEquals(
        base,
        hex(PassphraseKdf.derive("password".toCharArray(), new KdfParameters(256, 2, 2, SALT))));
  }

  @Test
  void derive_passphraseArray_notModified() {
    char[] passphrase = "keep me".toCharArray();
    PassphraseKdf.derive(passphrase, CHEAP);
    assertEquals("keep me", new String(passphrase));
  }

  private static String hex(SecretBytes key) {
    return HexFormat.of().formatHex(key.toByteArray(InsecureSecretKeyAccess.get()));
  }
}
