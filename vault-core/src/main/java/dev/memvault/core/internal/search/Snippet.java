package dev.memvault.core.internal.search;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The excerpt of a search hit, with each run of matching words between {@link #OPEN} and {@link
 * #CLOSE}, made from the decrypted text. The marks are private-use characters, taken out of the
 * text first, so that a reader tells them from any bracket the text holds.
 *
 * <p>The search index keeps no copy of the text (it is a contentless FTS5 table, so memories are
 * stored once, encrypted), which leaves FTS5's own {@code snippet()} nothing to cut from. The text
 * goes through the index's own analysis, so that a word is marked as written ("Allergic") when the
 * query found it by a stem ("allergies"); a CJK word is marked where its character pairs occur. The
 * window is the one of at most {@code maxWords} words that holds the most different query words,
 * then the most matches, then comes first.
 */
public final class Snippet {
  static final String ELLIPSIS = "…";

  /** Opens a run of matching words (a private-use character, U+E000). */
  public static final char OPEN = '\uE000';

  /** Closes a run of matching words (U+E001). */
  public static final char CLOSE = '\uE001';

  private Snippet() {}

  /** An excerpt of {@code text} around the words {@code query} looks for. */
  public static String of(String original, SearchQuery query, int maxWords) {
    String text = original.replace(OPEN, ' ').replace(CLOSE, ' ');
    List<Analysis.Token> words = Analysis.tokens(text);
    if (words.isEmpty()) {
      return "";
    }
    int[] matchedTerm = matches(words, query);
    int start = bestWindow(matchedTerm, Math.min(maxWords, words.size()));
    int end = Math.min(words.size(), start + maxWords);
    StringBuilder out = new StringBuilder();
    if (start > 0) {
      out.append(ELLIPSIS);
    }
    int copied = start == 0 ? 0 : words.get(start).start();
    for (int i = start; i < end; i++) {
      Analysis.Token word = words.get(i);
      out.append(text, copied, word.start());
      boolean opens = matchedTerm[i] >= 0 && !(i > start && joinsPrevious(words, matchedTerm, i));
      boolean closes =
          matchedTerm[i] >= 0 && !(i + 1 < end && joinsPrevious(words, matchedTerm, i + 1));
      if (opens) {
        out.append(OPEN);
      }
      out.append(text, word.start(), word.end());
      if (closes) {
        out.append(CLOSE);
      }
      copied = word.end();
    }
    if (end < words.size()) {
      out.append(ELLIPSIS);
    } else {
      out.append(text, copied, text.length());
    }
    return out.toString().strip();
  }

  /** A matched CJK character right after another shares its brackets: "[黄山]". */
  private static boolean joinsPrevious(List<Analysis.Token> words, int[] matched, int i) {
    return matched[i] >= 0
        && matched[i - 1] >= 0
        && words.get(i).cjk()
        && words.get(i - 1).cjk()
        && words.get(i - 1).end() == words.get(i).start();
  }

  /**
   * For each word, a number for the query form it matches, or -1. Words match by their folded form,
   * a prefix, or a stem as the index holds it; CJK characters by the pair or the single character
   * that the query holds.
   */
  private static int[] matches(List<Analysis.Token> words, SearchQuery query) {
    Map<String, Integer> forms = query.highlightedForms();
    Map<String, Integer> formsOnly = query.highlightedFormsOnly();
    Map<String, Integer> prefixes = query.highlightedPrefixes();
    // A stem keeps its word's first letter (folded), so other words need no stemming.
    Set<Integer> firstLetters = new HashSet<>();
    forms.keySet().forEach(form -> firstLetters.add(form.codePointAt(0)));
    formsOnly.keySet().forEach(form -> firstLetters.add(form.codePointAt(0)));
    Language language = Analysis.guessLatinLanguage(words);
    Analysis.Stemmers stemmers = new Analysis.Stemmers();
    int[] matched = new int[words.size()];
    for (int i = 0; i < words.size(); i++) {
      Analysis.Token word = words.get(i);
      matched[i] = word.cjk() ? cjkMatch(words, i, forms) : wordMatch(word, forms, prefixes);
      if (matched[i] < 0 && !word.cjk() && firstLetters.contains(word.folded().codePointAt(0))) {
        // As the index holds it: the word's own forms meet the query's forms in any column.
        for (String form : stemmers.documentForms(word, language)) {
          if (matched[i] < 0) {
            matched[i] = forms.getOrDefault(form, formsOnly.getOrDefault(form, -1));
          }
        }
      }
    }
    return matched;
  }

  private static int wordMatch(
      Analysis.Token word, Map<String, Integer> forms, Map<String, Integer> prefixes) {
    Integer term = forms.get(word.folded());
    if (term != null) {
      return term;
    }
    for (Map.Entry<String, Integer> prefix : prefixes.entrySet()) {
      if (word.folded().startsWith(prefix.getKey())) {
        return prefix.getValue();
      }
    }
    return -1;
  }

  private static int cjkMatch(List<Analysis.Token> words, int i, Map<String, Integer> forms) {
    Integer single = forms.get(words.get(i).folded());
    if (single != null) {
      return single;
    }
    for (int j : new int[] {i - 1, i}) {
      if (j >= 0 && j + 1 < words.size()) {
        Analysis.Token first = words.get(j);
        Analysis.Token second = words.get(j + 1);
        Integer pair = forms.get(first.folded() + second.folded());
        if (pair != null && first.cjk() && second.cjk() && first.end() == second.start()) {
          return pair;
        }
      }
    }
    return -1;
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
}
