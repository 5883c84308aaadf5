package dev.memvault.core.internal.search;

import dev.memvault.core.VaultException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a person typed, as FTS5 queries over the index {@link DocumentTerms} fills.
 *
 * <p>Each typed word is looked for as itself or any of its stems in every supported language (a
 * text holds its own language's stems), so "restaurant" finds "restaurants" and "allergies" finds
 * "allergic" (by its French stem, which is the English stem of "allergic"). Text in double quotes
 * is a phrase of words as written; a trailing {@code *} makes a word a prefix. Words of CJK script
 * are phrases of character pairs. Stop words of the query's language ("what", "did", "about") are
 * dropped, unless quoted. Every term is a quoted FTS5 string, so FTS5 operators and syntax
 * characters in the input are searched for as text, never run.
 *
 * <p>{@link #allTerms} needs every term; {@link #anyTerm} (with two terms or more) needs one, for
 * ranking by bm25 when too few memories have them all.
 */
public final class SearchQuery {
  /** Longer input is refused: a search is a few words, and FTS5 work grows with each. */
  public static final int MAX_CHARS = 2_000;

  /** Terms looked for, at most; more are refused rather than silently ignored. */
  public static final int MAX_TERMS = 32;

  /** One searched-for word or quoted phrase, as typed; {@code prefix} for a trailing {@code *}. */
  public record Term(String text, boolean prefix, boolean quoted) {
    /** The term as a person would type it again. */
    String typed() {
      return quoted ? "\"" + text + "\"" : prefix ? text + "*" : text;
    }
  }

  /**
   * A term as searched: its FTS5 expression; the folded forms it matches in any column, the stems
   * it matches among a text's forms only, and the prefix, which mark it in a snippet; and, for a
   * plain word, its lower-case form, which stop words and spelling suggestions work on.
   */
  record Group(
      Term term,
      String match,
      Set<String> forms,
      Set<String> formsOnly,
      Optional<String> prefix,
      Optional<String> plainWord) {}

  private final List<Term> typed;
  private final List<Group> groups;

  private SearchQuery(List<Term> typed, List<Group> groups) {
    this.typed = typed;
    this.groups = groups;
  }

  /**
   * The query for {@code input}.
   *
   * @throws VaultException.InvalidInput if the input is too long, has too many words, has nothing
   *     searchable, or has only stop words
   */
  public static SearchQuery parse(String input) {
    if (input.length() > MAX_CHARS) {
      throw new VaultException.InvalidInput(
          String.format(
              "the search is %,d characters long; at most %,d are looked for: shorten it",
              input.length(), MAX_CHARS));
    }
    List<Term> terms = terms(input);
    Analysis.Stemmers stemmers = new Analysis.Stemmers();
    List<Group> groups = new ArrayList<>();
    for (Term term : terms) {
      group(term, stemmers).ifPresent(groups::add);
    }
    if (groups.isEmpty()) {
      throw new VaultException.InvalidInput("the search has no words to look for");
    }
    List<Group> kept = withoutStopWords(groups);
    if (kept.isEmpty()) {
      throw new VaultException.InvalidInput(
          "the search has only common words such as '"
              + groups.get(0).term().text()
              + "'; add a word that says what to look for, or \"quote\" a phrase");
    }
    if (kept.size() > MAX_TERMS) {
      throw new VaultException.InvalidInput(
          "the search has "
              + kept.size()
              + " words; at most "
              + MAX_TERMS
              + " are looked for: shorten it");
    }
    return new SearchQuery(terms, List.copyOf(kept));
  }

  /** The FTS5 expression that needs every term. */
  public String allTerms() {
    return String.join(" AND ", groups.stream().map(Group::match).toList());
  }

  /** The FTS5 expression that needs any one term; empty for a single term. */
  public Optional<String> anyTerm() {
    return groups.size() < 2
        ? Optional.empty()
        : Optional.of(String.join(" OR ", groups.stream().map(Group::match).toList()));
  }

  /** The terms as searched, stop words dropped. */
  List<Group> groups() {
    return groups;
  }

  /** The terms as typed, stop words included, for a suggestion that repeats the rest. */
  List<Term> typedTerms() {
    return typed;
  }

  /** Folded forms whose words a snippet marks, each with the number of its term. */
  Map<String, Integer> highlightedForms() {
    Map<String, Integer> forms = new LinkedHashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      for (String form : groups.get(i).forms()) {
        forms.putIfAbsent(form, i);
      }
    }
    return forms;
  }

  /** Stems that mark a word in a snippet when they are among its forms, with their term. */
  Map<String, Integer> highlightedFormsOnly() {
    Map<String, Integer> forms = new LinkedHashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      for (String form : groups.get(i).formsOnly()) {
        forms.putIfAbsent(form, i);
      }
    }
    return forms;
  }

  /** Folded prefixes whose words a snippet marks, each with the number of its term. */
  Map<String, Integer> highlightedPrefixes() {
    Map<String, Integer> prefixes = new LinkedHashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      int term = i;
      groups.get(i).prefix().ifPresent(prefix -> prefixes.putIfAbsent(prefix, term));
    }
    return prefixes;
  }

  private static Optional<Group> group(Term term, Analysis.Stemmers stemmers) {
    List<Analysis.Token> tokens = Analysis.tokens(term.text());
    if (tokens.isEmpty()) {
      return Optional.empty();
    }
    if (tokens.size() == 1 && !tokens.get(0).cjk() && !term.quoted()) {
      return Optional.of(word(term, tokens.get(0), stemmers));
    }
    // A phrase: words as written, CJK runs as their character pairs (or a lone character).
    List<String> phrase = new ArrayList<>();
    Set<String> forms = new LinkedHashSet<>();
    List<Analysis.Token> run = new ArrayList<>();
    for (Analysis.Token token : tokens) {
      if (token.cjk() && (run.isEmpty() || run.get(run.size() - 1).end() == token.start())) {
        run.add(token);
        continue;
      }
      addCjkRun(run, phrase, forms);
      if (token.cjk()) {
        run.add(token);
      } else {
        phrase.add(token.folded());
        forms.add(token.folded());
      }
    }
    addCjkRun(run, phrase, forms);
    String match = quote(String.join(" ", phrase)) + (term.prefix() ? "*" : "");
    if (term.quoted() && !(phrase.size() == 1 && tokens.get(0).cjk())) {
      // Words as written: not the stems of other words in the forms column.
      match = "{text tags} : " + match;
    }
    Optional<String> prefix =
        term.prefix() ? Optional.of(phrase.get(phrase.size() - 1)) : Optional.empty();
    return Optional.of(new Group(term, match, forms, Set.of(), prefix, Optional.empty()));
  }

  private static void addCjkRun(List<Analysis.Token> run, List<String> phrase, Set<String> forms) {
    if (run.size() == 1) {
      phrase.add(run.get(0).folded());
      forms.add(run.get(0).folded());
    }
    for (int i = 0; i + 1 < run.size(); i++) {
      String pair = run.get(i).folded() + run.get(i + 1).folded();
      phrase.add(pair);
      forms.add(pair);
    }
    run.clear();
  }

  /**
   * A single word: itself (or as a prefix) or its English stem, anywhere; or its stem in another
   * language among the forms of a text (where texts in that language keep their stems). So
   * "mother", whose German stem is "moth", does not find an English text about a moth.
   */
  private static Group word(Term term, Analysis.Token token, Analysis.Stemmers stemmers) {
    Optional<String> english = stemmers.englishStem(token);
    Set<String> others = stemmers.otherLanguageStems(token);
    List<String> alternatives = new ArrayList<>();
    alternatives.add(quote(token.folded()) + (term.prefix() ? "*" : ""));
    english.ifPresent(stem -> alternatives.add(quote(stem)));
    if (!others.isEmpty()) {
      alternatives.add(
          "forms : ("
              + String.join(" OR ", others.stream().map(SearchQuery::quote).toList())
              + ")");
    }
    String match =
        alternatives.size() == 1
            ? alternatives.get(0)
            : "(" + String.join(" OR ", alternatives) + ")";
    Set<String> forms = new LinkedHashSet<>();
    forms.add(token.folded());
    english.ifPresent(forms::add);
    return new Group(
        term,
        match,
        forms,
        others,
        term.prefix() ? Optional.of(token.folded()) : Optional.empty(),
        term.prefix() ? Optional.empty() : Optional.of(token.lower()));
  }

  /**
   * The groups left once the stop words of the query's language are dropped: English, unless two or
   * more of its words are stop words of another language and fewer of English's. A single word such
   * as "hat" (a German stop word) is thereby searched for in English.
   */
  private static List<Group> withoutStopWords(List<Group> groups) {
    Map<Language, Integer> hits = new EnumMap<>(Language.class);
    for (Group group : groups) {
      group
          .plainWord()
          .ifPresent(
              word -> {
                for (Language language : Language.values()) {
                  if (language.isStopWord(word)) {
                    hits.merge(language, 1, Integer::sum);
                  }
                }
              });
    }
    Language language = Language.ENGLISH;
    for (Map.Entry<Language, Integer> entry : hits.entrySet()) {
      if (entry.getValue() >= 2 && entry.getValue() > hits.getOrDefault(language, 0)) {
        language = entry.getKey();
      }
    }
    Language chosen = language;
    return groups.stream()
        .filter(g -> g.plainWord().map(word -> !chosen.isStopWord(word)).orElse(true))
        .toList();
  }

  private static String quote(String text) {
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }

  /** The words and phrases of the input that hold a letter or digit, in order. */
  static List<Term> terms(String input) {
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
        addTerm(terms, phrase, false, true);
        i = end < 0 ? n : end + 1;
      } else {
        int end = i;
        while (end < n && !Character.isWhitespace(input.charAt(end)) && input.charAt(end) != '"') {
          end++;
        }
        String word = input.substring(i, end);
        boolean prefix = word.endsWith("*");
        addTerm(terms, prefix ? word.replaceAll("\\*+$", "") : word, prefix, false);
        i = end;
      }
    }
    return terms;
  }

  private static void addTerm(List<Term> terms, String text, boolean prefix, boolean quoted) {
    if (text.codePoints().anyMatch(Character::isLetterOrDigit)) {
      terms.add(new Term(text, prefix, quoted));
    }
  }
}
