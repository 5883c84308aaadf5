package dev.memvault.core.internal.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The text of the FTS5 expressions; that they run is checked against SQLite in VaultSearchTest. */
class SearchQueryTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "Pi-hole | \"pi hole\"",
        "9.9.9.9 | \"9.9.9.9\"",
        "lisbon | \"lisbon\"",
        "'\"quoted phrase\"' | {text tags} : \"quoted phrase\"",
        "'\"the Lisbon trams\"' | {text tags} : \"the lisbon trams\"",
        "'\"running\"' | {text tags} : \"running\"",
        "a* | \"a\"*",
        "lisb** | \"lisb\"*",
        "(unbalanced | (\"unbalanced\" OR \"unbalanc\")",
        "'\"unbalanced' | {text tags} : \"unbalanced\"",
        "NEAR( | \"near\"",
        "col:umn | \"col:umn\"",
        "'\"a\"\"b\"' | {text tags} : \"a\" AND {text tags} : \"b\"",
        "'-x +y' | \"x\" AND \"y\"",
        "café | (\"cafe\" OR forms : (\"caf\"))",
        "Zürich | (\"zurich\" OR forms : (\"zuric\"))",
        "Zu\u0308rich | (\"zurich\" OR forms : (\"zuric\"))",
        "黄山 | \"黄山\"",
        "黄山旅游 | \"黄山 山旅 旅游\"",
        "山 | \"山\"",
        "'黄山 trip' | \"黄山\" AND \"trip\"",
      })
  void parse_typedInput_quotedFoldedTerms(String input, String expected) {
    assertEquals(expected, SearchQuery.parse(input).allTerms());
  }

  @Test
  void parse_inflectedWord_itselfOrEnglishStemAnywhereOtherStemsAmongForms() {
    assertEquals(
        "(\"restaurants\" OR \"restaur\" OR forms : (\"restaurant\"))",
        SearchQuery.parse("restaurants").allTerms());
    // The French stem of "allergies" is the English stem of "allergic".
    assertTrue(SearchQuery.parse("allergies").allTerms().contains("forms : (\"allerg\""));
    // Russian words take the Russian stem.
    assertEquals("(\"книги\" OR forms : (\"книг\"))", SearchQuery.parse("книги").allTerms());
  }

  @Test
  void parse_question_stopWordsDroppedAndAnyTermOffered() {
    SearchQuery query = SearchQuery.parse("what did I say about backups?");

    assertEquals("\"say\" AND (\"backups\" OR \"backup\")", query.allTerms());
    assertEquals(Optional.of("\"say\" OR (\"backups\" OR \"backup\")"), query.anyTerm());
  }

  @Test
  void parse_germanQuestion_germanStopWordsDropped() {
    assertEquals(
        "(\"sicherungen\" OR forms : (\"sicher\" OR \"sicherung\"))",
        SearchQuery.parse("was habe ich über die Sicherungen").allTerms());
  }

  @Test
  void parse_singleWordThatIsAStopWordElsewhere_searchedInEnglish() {
    assertEquals("\"hat\"", SearchQuery.parse("hat").allTerms());
    assertEquals(Optional.empty(), SearchQuery.parse("hat").anyTerm());
  }

  @Test
  void parse_quotedStopWords_kept() {
    assertEquals(
        "{text tags} : \"to be or not to be\"",
        SearchQuery.parse("\"to be or not to be\"").allTerms());
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
        "☃",
        "😀 🎉"
      })
  void parse_nothingSearchable_noWordsToLookFor(String input) {
    VaultException.InvalidInput e =
        assertThrows(VaultException.InvalidInput.class, () -> SearchQuery.parse(input));
    assertEquals("the search has no words to look for", e.getMessage());
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @ValueSource(strings = {"the", "what is it?", "AND OR NOT", "was ist das"})
  void parse_onlyStopWords_saysSoAndHowToSearchForThem(String input) {
    VaultException.InvalidInput e =
        assertThrows(VaultException.InvalidInput.class, () -> SearchQuery.parse(input));
    assertTrue(e.getMessage().contains("only common words"), e.getMessage());
    assertTrue(e.getMessage().contains("\"quote\""), e.getMessage());
  }

  @Test
  void parse_longerThanAllowed_refusedWithTheLimit() {
    String query = "backup ".repeat(6_000); // about 40 KB

    VaultException.InvalidInput e =
        assertThrows(VaultException.InvalidInput.class, () -> SearchQuery.parse(query));
    assertTrue(e.getMessage().contains("42,000 characters long"), e.getMessage());
    assertTrue(e.getMessage().contains("at most 2,000"), e.getMessage());
  }

  @Test
  void parse_tooManyWords_refusedWithTheLimit() {
    StringBuilder query = new StringBuilder();
    for (int i = 0; i < SearchQuery.MAX_TERMS + 1; i++) {
      query.append("word").append(i).append(' ');
    }

    VaultException.InvalidInput e =
        assertThrows(VaultException.InvalidInput.class, () -> SearchQuery.parse(query.toString()));
    assertTrue(e.getMessage().contains("at most " + SearchQuery.MAX_TERMS), e.getMessage());
  }

  @Test
  void parse_unsupportedScript_searchedAsWritten() {
    assertEquals("\"สวัสดี\"", SearchQuery.parse("สวัสดี").allTerms());
    assertEquals("\"नमस्ते\"", SearchQuery.parse("नमस्ते").allTerms());
  }
}
