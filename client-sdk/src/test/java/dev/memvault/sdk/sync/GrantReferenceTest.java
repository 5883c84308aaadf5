package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memvault.core.VaultException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The grant reference's text (docs/FORMAT.md, section 7.8), against docs/vectors/grant_vectors.py.
 */
class GrantReferenceTest {
  private static final String VECTOR = printedReference();

  /** The reference printed in docs/FORMAT.md section 7.8, read from the document. */
  private static String printedReference() {
    try {
      // Maven runs tests with the module directory (client-sdk/) as the working directory.
      List<String> lines = Files.readAllLines(Path.of("..", "docs", "FORMAT.md"));
      int section =
          lines.indexOf(
              lines.stream().filter(l -> l.startsWith("### 7.8 ")).findFirst().orElseThrow());
      // The vector's line, not the formula's: "reference" then the text itself.
      return lines.subList(section, lines.size()).stream()
          .filter(l -> l.matches("reference +mvg1\\.\\S+"))
          .findFirst()
          .orElseThrow()
          .substring("reference".length())
          .strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void format_vectorsIds_matchesPython() {
    GrantReference reference =
        new GrantReference(
            hex("000102030405060708090a0b0c0d0e0f"),
            hex("505152535455565758595a5b5c5d5e5f"),
            7,
            hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"));

    assertEquals(VECTOR, reference.format());
    assertEquals(reference, GrantReference.parse(" " + VECTOR + "\n"));
  }

  @Test
  void parse_truncatedOrOtherText_oneClearError() {
    for (String text : new String[] {VECTOR.substring(0, 40), "mvg2." + VECTOR.substring(5), ""}) {
      VaultException.InvalidInput e =
          assertThrows(VaultException.InvalidInput.class, () -> GrantReference.parse(text));
      assertEquals(true, e.getMessage().contains("is not a grant"), e.getMessage());
    }
  }
}
