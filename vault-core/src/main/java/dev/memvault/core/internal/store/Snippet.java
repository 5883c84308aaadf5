package dev.memvault.core.internal.store;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The excerpt of a search hit, with the matching words in [brackets], made from the decrypted text.
 *
 * <p>The search index keeps no copy of the text (it is a contentless FTS5 table, so memories are
 * stored once, encrypted), which leaves FTS5's own {@code snippet()} nothing to cut from. This
 * reproduces what it did closely enough to read the same: words split and folded as the index's
 * {@code unicode61 remove_diacritics 2} tokenizer does (letters, digits and private-use characters
 * make words; case and accents fold), and the window of at most {@code maxWords} words that holds
 * the most different query words, then the most matches, then comes first.
 */
public final class Snippet {
  static final String ELLIPSIS = "…";

  private Snippet() {}

  /**
   * An excerpt of {@code text} around the words of {@code terms}, at most {@code maxWords} long.
   */
  public static String of(String text, List<FtsQuery.Term> terms, int maxWords) {
    List<Word> words = words(text);
    if (words.isEmpty()) {
      return "";
    }
    int[] matchedTerm = matches(words, terms);
    int start = bestWindow(matchedTerm, Math.min(maxWords, words.size()));
    int end = Math.min(words.size(), start + maxWords);
    StringBuilder out = new StringBuilder();
    if (start > 0) {
      out.append(ELLIPSIS);
    }
    int copied = start == 0 ? 0 : words.get(start).start;
    for (int i = start; i < end; i++) {
      Word word = words.get(i);
      out.append(text, copied, word.start);
      if (matchedTerm[i] >= 0) {
        out.append('[').append(text, word.start, word.end).append(']');
      } else {
        out.append(text, word.start, word.end);
      }
      copied = word.end;
    }
    if (end < words.size()) {
      out.append(ELLIPSIS);
    } else {
      out.append(text, copied, text.length());
    }
    return out.toString().strip();
  }

  /** A word of the text: where it is, and its folded form as the index compares it. */
  private record Word(int start, int end, String folded) {}

  /** For each word, the index of the first term it matches, or -1. */
  private static int[] matches(List<Word> words, List<FtsQuery.Term> terms) {
    List<List<String>> termWords = new ArrayList<>();
    for (FtsQuery.Term term : terms) {
      List<String> folded = new ArrayList<>();
      for (Word word : words(term.text())) {
        folded.add(word.folded);
      }
      termWords.add(folded);
    }
    int[] matched = new int[words.size()];
    for (int i = 0; i < words.size(); i++) {
      matched[i] = -1;
      String folded = words.get(i).folded;
      for (int t = 0; t < termWords.size() && matched[i] < 0; t++) {
        List<String> phrase = termWords.get(t);
        for (int w = 0; w < phrase.size(); w++) {
          // Only the last word of a prefix term is a prefix; a phrase's words are highlighted
          // wherever they occur, which for a snippet is close enough to FTS5's phrase instances.
          boolean prefix = terms.get(t).prefix() && w == phrase.size() - 1;
          if (prefix ? folded.startsWith(phrase.get(w)) : folded.equals(phrase.get(w))) {
            matched[i] = t;
            break;
          }
        }
      }
    }
    return matched;
  }

  /**
   * The first word of the best window of {@code size} words: most different terms, then most
   * matching words, then earliest. Windows are tried with each match in their middle, and from the
   * start of the text.
   */
  private static int bestWindow(int[] matchedTerm, int size) {
    int last = matchedTerm.length - size;
    int best = 0;
    long bestScore = score(matchedTerm, 0, size);
    for (int i = 0; i < matchedTerm.length; i++) {
      if (matchedTerm[i] < 0) {
        continue;
      }
      int start = Math.max(0, Math.min(last, i - size / 2));
      long score = score(matchedTerm, start, size);
      if (score > bestScore) {
        best = start;
        bestScore = score;
      }
    }
    return best;
  }

  private static long score(int[] matchedTerm, int start, int size) {
    Set<Integer> distinct = new HashSet<>();
    int matches = 0;
    for (int i = start; i < start + size; i++) {
      if (matchedTerm[i] >= 0) {
        distinct.add(matchedTerm[i]);
        matches++;
      }
    }
    return distinct.size() * 1000L + matches;
  }

  private static List<Word> words(String text) {
    List<Word> words = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int codePoint = text.codePointAt(i);
      if (!isWordCharacter(codePoint)) {
        i += Character.charCount(codePoint);
        continue;
      }
      int start = i;
      while (i < text.length() && isWordCharacter(text.codePointAt(i))) {
        i += Character.charCount(text.codePointAt(i));
      }
      words.add(new Word(start, i, fold(text.substring(start, i))));
    }
    return words;
  }

  /** unicode61's token characters (L*, N*, Co), with combining marks kept inside a word. */
  private static boolean isWordCharacter(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.UPPERCASE_LETTER,
      Character.LOWERCASE_LETTER,
      Character.TITLECASE_LETTER,
      Character.MODIFIER_LETTER,
      Character.OTHER_LETTER,
      Character.DECIMAL_DIGIT_NUMBER,
      Character.LETTER_NUMBER,
      Character.OTHER_NUMBER,
      Character.PRIVATE_USE,
      Character.NON_SPACING_MARK,
      Character.COMBINING_SPACING_MARK,
      Character.ENCLOSING_MARK:
        return true;
      default:
        return false;
    }
  }

  /** Lower case without accents: "Café" and "cafe" fold alike, as remove_diacritics 2 does. */
  private static String fold(String word) {
    if (word.chars().allMatch(c -> c < 0x80)) {
      return word.toLowerCase(Locale.ROOT); // nothing to decompose: most words, cheaply
    }
    String decomposed = Normalizer.normalize(word, Normalizer.Form.NFD);
    StringBuilder folded = new StringBuilder(decomposed.length());
    decomposed
        .codePoints()
        .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
        .forEach(folded::appendCodePoint);
    return folded.toString().toLowerCase(Locale.ROOT);
  }
}
