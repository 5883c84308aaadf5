package dev.memvault.sdk.portable.context;

import dev.memvault.core.VaultException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits what a person types into the terms a context block looks for, each one a search the vault
 * runs on its own: a word becomes a prefix search ({@code word*}), "quoted words" stay a phrase,
 * and small English words that would match almost everything are left out.
 */
final class QueryTerms {
  private static final Set<String> SMALL_WORDS =
      Set.of(
          "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "i", "in", "is",
          "it", "me", "my", "of", "on", "or", "our", "so", "the", "to", "we", "what", "with", "you",
          "your");

  private QueryTerms() {}

  /**
   * The terms of {@code query}; empty if it has only small words.
   *
   * @throws VaultException.InvalidInput if it has no letter or digit at all
   */
  static List<String> of(String query) {
    if (query.codePoints().noneMatch(Character::isLetterOrDigit)) {
      throw new VaultException.InvalidInput("the query has no words to look for");
    }
    List<String> terms = new ArrayList<>();
    int i = 0;
    int n = query.length();
    while (i < n) {
      char c = query.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int end = query.indexOf('"', i + 1);
        String phrase = end < 0 ? query.substring(i + 1) : query.substring(i + 1, end);
        if (phrase.codePoints().anyMatch(Character::isLetterOrDigit)) {
          terms.add("\"" + phrase + "\"");
        }
        i = end < 0 ? n : end + 1;
      } else {
        int end = i;
        while (end < n && !Character.isWhitespace(query.charAt(end)) && query.charAt(end) != '"') {
          end++;
        }
        String word = query.substring(i, end).replaceAll("\\*+$", "");
        if (word.codePoints().anyMatch(Character::isLetterOrDigit)
            && !SMALL_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
          terms.add(word + "*");
        }
        i = end;
      }
    }
    return terms.stream().distinct().toList();
  }
}
