package dev.memvault.core.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The text of the FTS5 expressions; that they run is checked against SQLite in VaultSearchTest. */
class FtsQueryTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "Pi-hole | \"Pi-hole\"",
        "9.9.9.9 | \"9.9.9.9\"",
        "'\"quoted phrase\"' | \"quoted phrase\"",
        "AND | \"AND\"",
        "OR NOT | \"OR\" \"NOT\"",
        "a* | \"a\"*",
        "lisb** | \"lisb\"*",
        "(unbalanced | \"(unbalanced\"",
        "'\"unbalanced' | \"unbalanced\"",
        "'\"two words' | \"two words\"",
        "NEAR( | \"NEAR(\"",
        "NEAR(a b, 3) | \"NEAR(a\" \"b,\" \"3)\"",
        "col:umn | \"col:umn\"",
        "'say \"hi\" now' | \"say\" \"hi\" \"now\"",
        "'a\"b' | \"a\" \"b\"",
        "'  spaced   out  ' | \"spaced\" \"out\"",
        "'-x +y' | \"-x\" \"+y\"",
        "'{a b} : c' | \"{a\" \"b}\" \"c\"",
        "café | \"café\"",
      })
  void from_typedInput_everyWordQuoted(String input, String expected) {
    assertEquals(Optional.of(expected), FtsQuery.from(input));
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @ValueSource(
      strings = {
        "",
        " ",
        "\t\n",
        "*",
        "**",
        "^",
        "\"\"",
        "\" \"",
        "!?.,;:",
        "( ) * ^ - +",
        "\"*\"",
        "…",
        "☃"
      })
  void from_nothingSearchable_empty(String input) {
    assertEquals(Optional.empty(), FtsQuery.from(input));
  }
}
