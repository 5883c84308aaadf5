package dev.memvault.core.internal.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SnippetTest {
  private static SearchQuery terms(String typed) {
    return SearchQuery.parse(typed);
  }

  @Test
  void of_shortText_wholeTextWithMatchesBracketed() {
    assertEquals(
        "I am [vegetarian], mostly", of("I am vegetarian, mostly", terms("vegetarian"), 16));
  }

  @Test
  void of_caseAndAccents_foldedAsTheIndexFoldsThem() {
    assertEquals(
        "[Café] au lait in [Zürich]", of("Café au lait in Zürich", terms("cafe ZURICH"), 16));
  }

  @Test
  void of_prefixTerm_matchesWordsStartingWithIt() {
    assertEquals(
        "[Lisbon] and [Lisboa] but not Porto",
        of("Lisbon and Lisboa but not Porto", terms("lisb*"), 16));
  }

  @Test
  void of_matchFarIntoLongText_windowAroundItWithEllipses() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      text.append("word").append(i).append(' ');
    }
    text.append("kestrel");
    for (int i = 40; i < 80; i++) {
      text.append(' ').append("word").append(i);
    }

    String snippet = of(text.toString(), terms("kestrel"), 6);

    assertEquals("…word37 word38 word39 [kestrel] word40 word41…", snippet);
  }

  @Test
  void of_twoTerms_prefersTheWindowHoldingBoth() {
    String text =
        "alpha one two three four five six seven eight nine ten eleven twelve alpha beta end";

    // The first "alpha" alone scores less than the window with both, centred on the first match.
    assertEquals("…twelve [alpha] [beta]…", of(text, terms("alpha beta"), 3));
  }

  @Test
  void of_noMatchInText_startOfText() {
    assertEquals("one two three…", of("one two three four five", terms("tagonly"), 3));
  }

  @Test
  void of_symbolsAndPunctuation_keptBetweenWordsAsWritten() {
    assertEquals(
        "I run [Pi]-[hole] at home (DNS 9.9.9.9)",
        of("I run Pi-hole at home (DNS 9.9.9.9)", terms("Pi-hole"), 16));
  }

  @Test
  void of_emptyText_empty() {
    assertEquals("", of("", terms("x"), 16));
    assertEquals("", of("!!! ???", terms("x"), 16));
  }

  @Test
  void of_wordFoundByItsStem_markedAsWritten() {
    assertEquals("[Allergic] to penicillin", of("Allergic to penicillin", terms("allergies"), 16));
    assertEquals(
        "Dinner at two [restaurants] near the [Restaurant] district",
        of("Dinner at two restaurants near the Restaurant district", terms("restaurant"), 16));
  }

  @Test
  void of_cjkWordInsideSentence_markedWhereItsCharactersStand() {
    assertEquals("我们明年去[黄山]看日出", of("我们明年去黄山看日出", terms("黄山"), 16));
    assertEquals("[山]", of("山", terms("山"), 16));
  }

  @Test
  void of_stopWordDroppedFromQuery_notMarked() {
    assertEquals(
        "The [backup] runs nightly", of("The backup runs nightly", terms("the backup"), 16));
  }

  @Test
  void of_textWithItsOwnBrackets_marksMatchesApartFromThem() {
    String marked = Snippet.of("see note [1] on the kestrel", terms("kestrel"), 16);

    assertEquals("see note [1] on the \uE000kestrel\uE001", marked);
  }

  /** The snippet with its marks shown as [brackets], as SearchResult.snippet() shows them. */
  private static String of(String text, SearchQuery query, int maxWords) {
    return Snippet.of(text, query, maxWords).replace(Snippet.OPEN, '[').replace(Snippet.CLOSE, ']');
  }
}
