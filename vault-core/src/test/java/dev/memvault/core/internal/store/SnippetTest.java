package dev.memvault.core.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnippetTest {
  private static List<FtsQuery.Term> terms(String typed) {
    return FtsQuery.terms(typed);
  }

  @Test
  void of_shortText_wholeTextWithMatchesBracketed() {
    assertEquals(
        "I am [vegetarian], mostly",
        Snippet.of("I am vegetarian, mostly", terms("vegetarian"), 16));
  }

  @Test
  void of_caseAndAccents_foldedAsTheIndexFoldsThem() {
    assertEquals(
        "[Café] au lait in [Zürich]",
        Snippet.of("Café au lait in Zürich", terms("cafe ZURICH"), 16));
  }

  @Test
  void of_prefixTerm_matchesWordsStartingWithIt() {
    assertEquals(
        "[Lisbon] and [Lisboa] but not Porto",
        Snippet.of("Lisbon and Lisboa but not Porto", terms("lisb*"), 16));
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

    String snippet = Snippet.of(text.toString(), terms("kestrel"), 6);

    assertEquals("…word37 word38 word39 [kestrel] word40 word41…", snippet);
  }

  @Test
  void of_twoTerms_prefersTheWindowHoldingBoth() {
    String text =
        "alpha one two three four five six seven eight nine ten eleven twelve alpha beta end";

    // The first "alpha" alone scores less than the window with both, centred on the first match.
    assertEquals("…twelve [alpha] [beta]…", Snippet.of(text, terms("alpha beta"), 3));
  }

  @Test
  void of_noMatchInText_startOfText() {
    assertEquals("one two three…", Snippet.of("one two three four five", terms("tagonly"), 3));
  }

  @Test
  void of_symbolsAndPunctuation_keptBetweenWordsAsWritten() {
    assertEquals(
        "I run [Pi]-[hole] at home (DNS 9.9.9.9)",
        Snippet.of("I run Pi-hole at home (DNS 9.9.9.9)", terms("Pi-hole"), 16));
  }

  @Test
  void of_emptyText_empty() {
    assertEquals("", Snippet.of("", terms("x"), 16));
    assertEquals("", Snippet.of("!!! ???", terms("x"), 16));
  }
}
