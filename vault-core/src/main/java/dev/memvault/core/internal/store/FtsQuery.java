package dev.memvault.core.internal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns what a person types into a safe FTS5 query.
 *
 * <p>Every word becomes a quoted FTS5 string, so FTS5 operators and syntax characters in the input
 * ({@code AND}, {@code NEAR}, {@code -}, {@code .}, {@code :}, brackets, stray quotes) are searched
 * for as text and never cause a syntax error. Text inside double quotes stays one phrase; a
 * trailing {@code *} on a word makes it a prefix search. All words must match.
 */
public final class FtsQuery {
  private FtsQuery() {}

  /** One searched-for word or quoted phrase, as typed; {@code prefix} for a trailing {@code *}. */
  public record Term(String text, boolean prefix) {}

  /** The FTS5 MATCH expression, or empty if the input holds no searchable characters. */
  public static Optional<String> from(String input) {
    List<String> quoted = new ArrayList<>();
    for (Term term : terms(input)) {
      String phrase = "\"" + term.text().replace("\"", "\"\"") + "\"";
      quoted.add(term.prefix() ? phrase + "*" : phrase);
    }
    return quoted.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", quoted));
  }

  /** The words and phrases of the input that hold something searchable, in order. */
  public static List<Term> terms(String input) {
    List<Term> terms = new ArrayList<>();
    int i = 0;
    int n = input.length();
    while (i < n) {
      char c = input.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int end = input.indexOf('"', i + 1);
        // An unbalanced quote takes the rest of the input as its phrase.
        String phrase = end < 0 ? input.substring(i + 1) : input.substring(i + 1, end);
        addTerm(terms, phrase, false);
        i = end < 0 ? n : end + 1;
      } else {
        int end = i;
        while (end < n && !Character.isWhitespace(input.charAt(end)) && input.charAt(end) != '"') {
          end++;
        }
        String word = input.substring(i, end);
        boolean prefix = word.endsWith("*");
        addTerm(terms, prefix ? word.replaceAll("\\*+$", "") : word, prefix);
        i = end;
      }
    }
    return terms;
  }

  private static void addTerm(List<Term> terms, String text, boolean prefix) {
    if (hasSearchableCharacter(text)) {
      terms.add(new Term(text, prefix));
    }
  }

  private static boolean hasSearchableCharacter(String text) {
    return text.codePoints().anyMatch(Character::isLetterOrDigit);
  }
}
