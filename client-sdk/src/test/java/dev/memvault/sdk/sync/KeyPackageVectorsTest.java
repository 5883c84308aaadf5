package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.internal.crypto.Hpke;
import dev.memvault.proto.sync.v1.KeyPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sealed key package printed in proto/README.md ("Device linking"), computed independently of
 * this code by docs/vectors/key_package_vectors.py (Python's HPKE and HMAC), read from the
 * document: the pairing code, the sealing context and the MAC are the ones the joining device
 * computes, and the ciphertext opens under that context to the printed package.
 */
class KeyPackageVectorsTest {
  // Maven runs tests with the module directory (client-sdk/) as the working directory.
  private static final Path PROTO_README = Path.of("..", "proto", "README.md");
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] RECIPIENT_SEED =
      HEX.parseHex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef");

  private static Map<String, String> printed;

  @BeforeAll
  static void readVector() throws IOException {
    printed = readmeValues("A sealed key package");
  }

  @Test
  void pairingCodeContextAndMac_readmeVector_areTheJoiningDevicesOwn() {
    PairingCode code = PairingCode.parse(printed.get("pairing_code"));
    byte[] ciphertext = HEX.parseHex(printed.get("ciphertext"));

    assertEquals("707172737475767778797a7b7c7d7e7f80818283", pairingIdAndSecret(code));
    assertEquals(printed.get("pairing_code"), code.toDisplayString());
    assertEquals(printed.get("context"), HEX.formatHex(KeyPackageLabels.context(code.pairingId())));
    assertEquals(
        printed.get("mac"),
        HEX.formatHex(code.mac(KeyPackageLabels.KEY_PACKAGE_LABEL, code.pairingId(), ciphertext)));
  }

  @Test
  void ciphertext_readmeVector_opensUnderThePairingsContextToThePrintedPackage() throws Exception {
    PairingCode code = PairingCode.parse(printed.get("pairing_code"));
    byte[] ciphertext = HEX.parseHex(printed.get("ciphertext"));

    byte[] opened = open(ciphertext, KeyPackageLabels.context(code.pairingId()));
    KeyPackage keys = KeyPackage.parseFrom(opened);

    assertArrayEquals(HEX.parseHex(printed.get("key_package")), opened);
    assertEquals(
        "00112233445566778899aabbccddeeff", HEX.formatHex(keys.getVaultId().toByteArray()));
    assertEquals(
        "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f",
        HEX.formatHex(keys.getRootKey().toByteArray()));
    assertEquals(2, keys.getChainSeq());
    assertEquals("memvault-sync.example", keys.getServerId());
    assertEquals(1, keys.getEpochKeys(0).getEpoch());
    assertEquals(0, keys.getLogSeq());
    assertThrows(
        GeneralSecurityException.class,
        () -> open(ciphertext, KeyPackageLabels.context(new byte[PairingCode.ID_BYTES])));
  }

  private static byte[] open(byte[] ciphertext, byte[] context) throws GeneralSecurityException {
    return Hpke.open(
        Hpke.fromSeed(SecretBytes.copyFrom(RECIPIENT_SEED, InsecureSecretKeyAccess.get())),
        ciphertext,
        context);
  }

  /** The 20 bytes a code stands for, as its display text encodes them. */
  private static String pairingIdAndSecret(PairingCode code) {
    String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    java.math.BigInteger value = java.math.BigInteger.ZERO;
    for (char c : code.toDisplayString().replace("-", "").toCharArray()) {
      value = value.shiftLeft(5).add(java.math.BigInteger.valueOf(alphabet.indexOf(c)));
    }
    return String.format("%040x", value);
  }

  /**
   * The {@code label value} lines (a hex value may go on in indented lines) of the first code block
   * after the paragraph of proto/README.md that starts with {@code paragraph}.
   */
  private static Map<String, String> readmeValues(String paragraph) throws IOException {
    List<String> lines = Files.readAllLines(PROTO_README, StandardCharsets.UTF_8);
    int at = 0;
    while (!lines.get(at).startsWith(paragraph)) {
      at++;
    }
    while (!lines.get(at).startsWith("```")) {
      at++;
    }
    Pattern labeled = Pattern.compile("^(\\S+) +(\\S+)$");
    Pattern continued = Pattern.compile("^\\s+([0-9a-f]+)$");
    Map<String, String> values = new LinkedHashMap<>();
    String last = null;
    for (int i = at + 1; !lines.get(i).startsWith("```"); i++) {
      Matcher more = continued.matcher(lines.get(i));
      Matcher first = labeled.matcher(lines.get(i));
      if (last != null && more.matches()) {
        values.merge(last, more.group(1), String::concat);
      } else if (first.matches()) {
        last = first.group(1);
        values.put(last, first.group(2));
      }
    }
    return values;
  }
}
