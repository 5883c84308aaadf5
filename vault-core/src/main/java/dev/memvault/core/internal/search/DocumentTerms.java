package dev.memvault.core.internal.search;

import java.util.ArrayList;
import java.util.List;

/**
 * What a text is indexed under, in the two columns search matches: {@code words}, its words as
 * written (folded) in order, with CJK text as overlapping character pairs (so that a phrase of
 * pairs finds a word inside a sentence); and {@code forms}, the other forms that find it: stems,
 * and single CJK characters.
 *
 * <p>Stems are those of English and of the Latin-script language whose stop words the text uses
 * most, or Russian for Cyrillic words. A query word is looked for under its stems in every language
 * (SearchQuery), so a text needs only its own language's stems to be found by them.
 */
public record DocumentTerms(String words, String forms) {
  public static DocumentTerms of(String text) {
    List<Analysis.Token> tokens = Analysis.tokens(text);
    Language language = Analysis.guessLatinLanguage(tokens);
    Analysis.Stemmers stemmers = Analysis.Stemmers.forThisThread();
    StringBuilder words = new StringBuilder();
    StringBuilder forms = new StringBuilder();
    List<Analysis.Token> cjkRun = new ArrayList<>();
    for (Analysis.Token token : tokens) {
      if (token.cjk()) {
        if (!cjkRun.isEmpty() && cjkRun.get(cjkRun.size() - 1).end() != token.start()) {
          addCjkRun(cjkRun, words, forms);
        }
        cjkRun.add(token);
        continue;
      }
      addCjkRun(cjkRun, words, forms);
      append(words, token.folded());
      for (String form : stemmers.documentForms(token, language)) {
        append(forms, form);
      }
    }
    addCjkRun(cjkRun, words, forms);
    return new DocumentTerms(words.toString(), forms.toString());
  }

  /**
   * A run of adjacent CJK characters: its pairs as words, its characters as forms; a character
   * alone is a word.
   */
  private static void addCjkRun(
      List<Analysis.Token> run, StringBuilder words, StringBuilder forms) {
    if (run.size() == 1) {
      append(words, run.get(0).folded());
    } else {
      for (int i = 0; i + 1 < run.size(); i++) {
        append(words, run.get(i).folded() + run.get(i + 1).folded());
      }
      for (Analysis.Token character : run) {
        append(forms, character.folded());
      }
    }
    run.clear();
  }

  private static void append(StringBuilder out, String term) {
    if (out.length() > 0) {
      out.append(' ');
    }
    out.append(term);
  }
}
