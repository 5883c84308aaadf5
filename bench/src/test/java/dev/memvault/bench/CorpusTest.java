package dev.memvault.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorpusTest {
  private static final int DOCUMENTS = 300;
  private final Corpus corpus = new Corpus(7, 20_000, 1.0);

  @Test
  void document_sameSeedAndIndex_sameDocument() {
    Corpus again = new Corpus(7, 20_000, 1.0);
    for (int i = 0; i < 20; i++) {
      assertEquals(corpus.document(i), again.document(i));
    }
  }

  @Test
  void document_anyIndex_aboutOneKibibyte() {
    for (int i = 0; i < DOCUMENTS; i++) {
      int length = corpus.document(i).text().length();
      assertTrue(length >= 900 && length < 1_300, "document " + i + " has " + length + " chars");
    }
  }

  @Test
  void documentFrequencies_replayedDraws_equalCountsOverTheTokenizedText() {
    Map<String, Integer> rankOf = new HashMap<>();
    for (int rank = 0; rank < corpus.vocabularySize(); rank++) {
      rankOf.put(corpus.token(rank), rank);
    }
    int[] expected = new int[corpus.vocabularySize()];
    for (int i = 0; i < DOCUMENTS; i++) {
      Set<String> seen = new HashSet<>();
      // Splits as FTS5 unicode61 does for this text: on anything but letters and digits.
      for (String word : corpus.document(i).text().split("[^\\p{L}\\p{N}]+")) {
        if (!word.isEmpty() && seen.add(Corpus.fold(word))) {
          expected[rankOf.get(Corpus.fold(word))]++;
        }
      }
    }
    int[] actual = corpus.documentFrequencies(DOCUMENTS);
    for (int rank = 0; rank < expected.length; rank++) {
      assertEquals(expected[rank], actual[rank], "df of " + corpus.token(rank));
    }
  }

  @Test
  void pseudoWord_distinctIndices_distinctWords() {
    Set<String> words = new HashSet<>();
    for (long n = 0; n < 200_000; n++) {
      assertTrue(words.add(Corpus.pseudoWord(n)), "pseudo-word " + n + " repeats");
    }
  }

  @Test
  void fold_accentsAndCapitals_plainLowercase() {
    assertEquals("cafe", Corpus.fold("Café"));
    assertEquals("zurich", Corpus.fold("Zürich"));
  }
}
