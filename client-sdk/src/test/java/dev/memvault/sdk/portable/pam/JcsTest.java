package dev.memvault.sdk.portable.pam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 8785 canonicalization and PAM's content hash on known answers: the RFC's own examples
 * (sections 3.2.2 and 3.2.3, and numbers of its appendix B), and content hashes computed with the
 * PAM spec's reference normalization in Python (Appendix C).
 */
class JcsTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "-0.0, 0",
    "4.9E-324, 5e-324",
    "1.7976931348623157E308, 1.7976931348623157e+308",
    "9007199254740992, 9007199254740992",
    "1E21, 1e+21",
    "1E20, 100000000000000000000",
    "1E-6, 0.000001",
    "1E-7, 1e-7",
    "0.30000000000000004, 0.30000000000000004",
    "333333333.33333329, 333333333.3333333",
    "4.50, 4.5",
    "2e-3, 0.002",
    "1E30, 1e+30",
    "295147905179352830000, 295147905179352830000",
    "1.0, 1",
    "0.95, 0.95",
    "-1.5, -1.5"
  })
  void number_knownAnswer_ecmaScriptForm(double value, String expected) {
    assertEquals(expected, Jcs.number(value));
  }

  @Test
  void canonicalBytes_rfc8785Example_sortedUnescapedShortest() {
    String input =
        "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
            + " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
            + " \"literals\": [null, true, false]}";

    String canonical =
        new String(Jcs.canonicalBytes(PamFormat.MAPPER.readTree(input)), StandardCharsets.UTF_8);

    assertEquals(
        "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
        canonical);
  }

  @Test
  void canonicalBytes_keysOutsideTheBasicPlane_sortedByUtf16CodeUnits() {
    String input =
        "{\"\\u20ac\":\"Euro\",\"\\r\":\"CR\",\"\\ufb33\":\"Hebrew\",\"1\":\"One\","
            + "\"\\ud83d\\ude00\":\"Emoji\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Umlaut\"}";

    String canonical =
        new String(Jcs.canonicalBytes(PamFormat.MAPPER.readTree(input)), StandardCharsets.UTF_8);

    assertEquals(
        "{\"\\r\":\"CR\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Umlaut\",\"€\":\"Euro\","
            + "\"😀\":\"Emoji\",\"\ufb33\":\"Hebrew\"}",
        canonical);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Is vegetarian and allergic to peanuts."
            + "|sha256:409b0f5cb484580b41b345f8583af408b4b354ddb94a618cf37a9fc5ab036477",
        "Café au lait|sha256:7c413039fbb2248e2b18b98e7a8d4d85bdcac7cd79b9477a0923f97e3a1f2b50",
      })
  void contentHash_knownAnswer_matchesTheSpecsReference(String content, String expected) {
    assertEquals(expected, ContentHash.of(content));
  }

  @Test
  void contentHash_caseSpacesAndCompositionDiffer_sameHash() {
    String decomposed = "  PREFERS  answers\tin\nmetric units\u00a0 ";
    assertEquals(
        "sha256:f5914f2d87016c3718214ea40907917c6794ee5e315ddd0d825c514241dee30d",
        ContentHash.of(decomposed));
    assertEquals(ContentHash.of("Cafe\u0301 au lait"), ContentHash.of("Café au lait"));
  }
}
