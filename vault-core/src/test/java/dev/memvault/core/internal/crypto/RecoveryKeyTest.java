package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RecoveryKeyTest {
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final String FORMAT = "[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){13}";

  /**
   * A recovery key produced by this implementation (vault-core at e952b6d), kept as a regression
   * vector: its checksum and wrapping key are re-derived independently below from the format in the
   * {@link RecoveryKey} javadoc. It contains both 0 and 1, so look-alike input is exercised.
   */
  private static final String VECTOR =
      "RVCK-319W-81N8-5RWE-SVXQ-XR0E-Q340-79G9-0YYD-G2ER-JZQ0-NZ7X-0W45-M46D";

  private static final byte[] VECTOR_VAULT_ID =
      HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
  private static final String VECTOR_WRAPPING_KEY =
      "b1862ad96fcec7fedf783be5238f6f883219258f584f5a6d771a672611eb01ef";

  @Test
  void toDisplayString_generatedKeys_fourteenGroupsOfFourCrockfordCharacters() throws Exception {
    for (int i = 0; i < 200; i++) {
      RecoveryKey key = RecoveryKey.generate();
      String text = key.toDisplayString();
      assertTrue(text.matches(FORMAT), text);
      assertEquals(14, text.split("-").length);
      assertEquals(text, RecoveryKey.parse(text).toDisplayString());
    }
  }

  @Test
  void generate_twice_differentKeys() {
    assertNotEquals(
        RecoveryKey.generate().toDisplayString(), RecoveryKey.generate().toDisplayString());
  }

  @Test
  void parse_vector_givesKnownWrappingKey() throws Exception {
    assertEquals(VECTOR_WRAPPING_KEY, wrappingKeyHex(RecoveryKey.parse(VECTOR), VECTOR_VAULT_ID));
  }

  /**
   * Decodes the vector by hand: 32 key bytes, then SHA-256(label || key)[0..3]; HKDF for the wrap.
   */
  @Test
  void vector_independentlyDecoded_matchesDocumentedChecksumAndDerivation() throws Exception {
    byte[] decoded = crockfordDecode(VECTOR.replace("-", ""));
    assertEquals(35, decoded.length);
    byte[] key = Arrays.copyOf(decoded, 32);
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update("memvault recovery key checksum v1".getBytes(StandardCharsets.US_ASCII));
    byte[] checksum = Arrays.copyOf(sha256.digest(key), 3);

    assertArrayEquals(checksum, Arrays.copyOfRange(decoded, 32, 35));
    byte[] wrapping =
        hkdfSha256(
            key,
            VECTOR_VAULT_ID,
            "memvault.v1 recovery key wrap".getBytes(StandardCharsets.US_ASCII));
    assertEquals(VECTOR_WRAPPING_KEY, HexFormat.of().formatHex(wrapping));
  }

  @Test
  void parse_lowercaseNoHyphensSpacesAndLookalikes_sameKey() throws Exception {
    String[] variants = {
      VECTOR.toLowerCase(Locale.ROOT),
      VECTOR.replace("-", ""),
      VECTOR.replace("-", " "),
      "  " + VECTOR.replace("-", "\t") + "\n",
      VECTOR.replace('0', 'O'),
      VECTOR.replace('0', 'o').toLowerCase(Locale.ROOT).replace("-", ""),
      VECTOR.replace('1', 'I'),
      VECTOR.replace('1', 'l'),
      VECTOR.replace('1', 'L').replace('0', 'O').replace("-", ""),
    };
    for (String variant : variants) {
      assertEquals(
          VECTOR_WRAPPING_KEY,
          wrappingKeyHex(RecoveryKey.parse(variant), VECTOR_VAULT_ID),
          variant);
      assertEquals(VECTOR, RecoveryKey.parse(variant).toDisplayString(), variant);
    }
  }

  @Test
  void parse_everySingleCharacterSubstitution_reportsTypo() {
    String compact = VECTOR.replace("-", "");
    int checked = 0;
    for (int position = 0; position < compact.length(); position++) {
      for (char replacement : ALPHABET.toCharArray()) {
        if (replacement == compact.charAt(position)) {
          continue;
        }
        String typo =
            compact.substring(0, position) + replacement + compact.substring(position + 1);
        RecoveryKey.InvalidRecoveryKeyException e =
            assertThrows(
                RecoveryKey.InvalidRecoveryKeyException.class,
                () -> RecoveryKey.parse(typo),
                "position " + position + " -> " + replacement);
        assertTrue(e.getMessage().contains("typo"), e.getMessage());
        checked++;
      }
    }
    assertEquals(56 * 31, checked);
  }

  @Test
  void parse_adjacentCharactersSwapped_reportsTypo() {
    String compact = VECTOR.replace("-", "");
    for (int i = 0; i + 1 < compact.length(); i++) {
      if (compact.charAt(i) == compact.charAt(i + 1)) {
        continue;
      }
      String swapped =
          compact.substring(0, i)
              + compact.charAt(i + 1)
              + compact.charAt(i)
              + compact.substring(i + 2);
      assertThrows(RecoveryKey.InvalidRecoveryKeyException.class, () -> RecoveryKey.parse(swapped));
    }
  }

  @Test
  void parse_missingOrExtraCharacter_saysHowLongAKeyIs() {
    RecoveryKey.InvalidRecoveryKeyException shorter =
        assertThrows(
            RecoveryKey.InvalidRecoveryKeyException.class,
            () -> RecoveryKey.parse(VECTOR.substring(1)));
    RecoveryKey.InvalidRecoveryKeyException longer =
        assertThrows(
            RecoveryKey.InvalidRecoveryKeyException.class, () -> RecoveryKey.parse(VECTOR + "7"));
    RecoveryKey.InvalidRecoveryKeyException empty =
        assertThrows(RecoveryKey.InvalidRecoveryKeyException.class, () -> RecoveryKey.parse(""));

    assertTrue(shorter.getMessage().contains("56 characters"), shorter.getMessage());
    assertTrue(shorter.getMessage().contains("this one has 55"), shorter.getMessage());
    assertTrue(longer.getMessage().contains("this one has 57"), longer.getMessage());
    assertTrue(empty.getMessage().contains("this one has 0"), empty.getMessage());
  }

  @Test
  void parse_characterOutsideAlphabet_namesIt() {
    RecoveryKey.InvalidRecoveryKeyException e =
        assertThrows(
            RecoveryKey.InvalidRecoveryKeyException.class,
            () -> RecoveryKey.parse("U" + VECTOR.substring(1)));
    assertTrue(e.getMessage().contains("'U'"), e.getMessage());
  }

  @Test
  void wrappingKey_otherVaultId_differentKey() throws Exception {
    RecoveryKey key = RecoveryKey.parse(VECTOR);
    byte[] otherVault = VECTOR_VAULT_ID.clone();
    otherVault[15] ^= 1;
    assertNotEquals(VECTOR_WRAPPING_KEY, wrappingKeyHex(key, otherVault));
  }

  @Test
  void toString_neverShowsTheKey() throws Exception {
    RecoveryKey key = RecoveryKey.parse(VECTOR);
    String shown = key.toString();

    assertFalse(shown.contains(VECTOR), shown);
    assertFalse(shown.contains(VECTOR.replace("-", "")), shown);
    for (String group : VECTOR.split("-")) {
      assertFalse(shown.contains(group), shown);
    }
    assertEquals("RecoveryKey[redacted]", shown);
  }

  private static String wrappingKeyHex(RecoveryKey key, byte[] vaultId) {
    return HexFormat.of()
        .formatHex(key.wrappingKey(vaultId).toByteArray(InsecureSecretKeyAccess.get()));
  }

  private static byte[] crockfordDecode(String text) {
    byte[] out = new byte[text.length() * 5 / 8];
    long buffer = 0;
    int bits = 0;
    int index = 0;
    for (char c : text.toCharArray()) {
      buffer = (buffer << 5) | ALPHABET.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        out[index++] = (byte) (buffer >> (bits - 8));
        bits -= 8;
      }
    }
    return out;
  }

  /** RFC 5869 HKDF with HMAC-SHA256, one output block. */
  private static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info);
    mac.update((byte) 1);
    return mac.doFinal();
  }
}
