package dev.memvault.core.internal.search;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "Did you mean": each typed word that no memory holds in any form is replaced by the nearest word
 * the vault's own memories hold, at most one edit away for words of up to four letters and two for
 * longer ones (an edit inserts, deletes or replaces a letter, or swaps two neighbours). Among
 * equally near words, the one in more memories wins. The first letter must be right: words are
 * looked up by it, so that a suggestion reads one slice of the index, not all of it.
 */
public final class Spelling {
  private Spelling() {}

  /** The words of the search index, as the suggestion needs them. */
  public interface Vocabulary {
    /** Whether any memory matches the FTS5 expression. */
    boolean matches(String match) throws SQLException;

    /** The indexed words (folded, as written in memories) that start with {@code prefix}. */
    List<Word> wordsStartingWith(String prefix) throws SQLException;
  }

  /** An indexed word and the number of memories that hold it. */
  public record Word(String text, long memories) {}

  /** The query with its unknown words replaced, or empty when there is nothing to suggest. */
  public static Optional<String> suggest(SearchQuery query, Vocabulary vocabulary)
      throws SQLException {
    List<String> suggested = new ArrayList<>();
    boolean changed = false;
    for (SearchQuery.Term term : query.typedTerms()) {
      Optional<String> replacement = Optional.empty();
      for (SearchQuery.Group group : query.groups()) {
        if (group.term() == term && group.plainWord().isPresent()) {
          replacement = correct(group, vocabulary);
        }
      }
      changed |= replacement.isPresent();
      suggested.add(replacement.orElse(term.typed()));
    }
    return changed ? Optional.of(String.join(" ", suggested)) : Optional.empty();
  }

  private static Optional<String> correct(SearchQuery.Group group, Vocabulary vocabulary)
      throws SQLException {
    if (vocabulary.matches(group.match())) {
      return Optional.empty();
    }
    String word = Analysis.fold(group.plainWord().orElseThrow());
    int maxEdits = word.length() <= 4 ? 1 : 2;
    String first = word.substring(0, Character.charCount(word.codePointAt(0)));
    Word best = null;
    int bestDistance = maxEdits + 1;
    for (Word candidate : vocabulary.wordsStartingWith(first)) {
      if (Math.abs(candidate.text().length() - word.length()) > maxEdits
          || candidate.text().equals(word)) {
        continue;
      }
      int distance = distance(word, candidate.text(), maxEdits);
      if (distance < bestDistance
          || (distance == bestDistance && best != null && candidate.memories() > best.memories())) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best).map(Word::text);
  }

  /**
   * The edit distance with swaps of neighbours (optimal string alignment), or {@code limit + 1}
   * once it is certain to exceed {@code limit}.
   */
  static int distance(String a, String b, int limit) {
    int[] previous2 = new int[b.length() + 1];
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int value = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          value = Math.min(value, previous2[j - 2] + 1);
        }
        current[j] = value;
        rowMin = Math.min(rowMin, value);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
      int[] recycled = previous2;
      previous2 = previous;
      previous = current;
      current = recycled;
    }
    return Math.min(previous[b.length()], limit + 1);
  }
}
