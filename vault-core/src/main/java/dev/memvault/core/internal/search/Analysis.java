package dev.memvault.core.internal.search;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;
import org.tartarus.snowball.SnowballStemmer;

/**
 * The analysis that indexed text and typed queries both go through, so that they meet: words split
 * by Unicode's rules (Lucene's {@link StandardTokenizer}), lower case, accents folded to ASCII
 * where Latin letters have them, word stems by Snowball, and Chinese, Japanese and Korean text as
 * single characters that the callers pair into bigrams.
 *
 * <p>Deterministic by contract: a contentless index removes a row by analyzing its old text again,
 * so any change to what this produces for a text needs a schema step that rebuilds the index.
 */
final class Analysis {
  /** Words shorter than this are not stemmed: stems of two-letter words are mostly noise. */
  private static final int MIN_STEMMED_LENGTH = 3;

  /**
   * One tokenizer per thread, reused: a StandardTokenizer allocates its scanner's buffers when it
   * is made, which cost more than tokenizing a short memory. A closed tokenizer takes a new reader.
   */
  private static final ThreadLocal<StandardTokenizer> TOKENIZERS =
      ThreadLocal.withInitial(StandardTokenizer::new);

  private Analysis() {}

  /**
   * A word of the text: where it is in the text, its lower-case form (for stemmers and stop words),
   * its folded form (as the index keeps it), and whether it is one CJK character.
   */
  record Token(int start, int end, String lower, String folded, boolean cjk) {
    boolean stemmable() {
      return !cjk
          && folded.length() >= MIN_STEMMED_LENGTH
          && folded.codePoints().noneMatch(Character::isDigit);
    }

    Character.UnicodeScript script() {
      return Character.UnicodeScript.of(lower.codePointAt(0));
    }
  }

  /** The words of {@code text} in order, each CJK ideograph or kana or hangul on its own. */
  static List<Token> tokens(String text) {
    List<Token> tokens = new ArrayList<>();
    try (StandardTokenizer tokenizer = TOKENIZERS.get()) {
      CharTermAttribute term = tokenizer.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = tokenizer.addAttribute(OffsetAttribute.class);
      TypeAttribute type = tokenizer.addAttribute(TypeAttribute.class);
      tokenizer.setReader(new StringReader(text));
      tokenizer.reset();
      while (tokenizer.incrementToken()) {
        String word = term.toString();
        if (word.codePoints().noneMatch(Character::isLetterOrDigit)) {
          continue; // emoji and symbols: nothing a person types to find a word
        }
        int start = offset.startOffset();
        if (isCjk(type.type())) {
          for (int i = 0; i < word.length(); ) {
            int codePoint = word.codePointAt(i);
            int length = Character.charCount(codePoint);
            String character = word.substring(i, i + length);
            tokens.add(new Token(start + i, start + i + length, character, character, true));
            i += length;
          }
        } else {
          String lower = composed(word).toLowerCase(Locale.ROOT);
          tokens.add(new Token(start, offset.endOffset(), lower, fold(lower), false));
        }
      }
      tokenizer.end();
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
    return tokens;
  }

  /** NFC, which text below U+0300 (no combining marks) is already: most words, cheaply. */
  private static String composed(String word) {
    for (int i = 0; i < word.length(); i++) {
      if (word.charAt(i) >= 0x300) {
        return Normalizer.normalize(word, Normalizer.Form.NFC);
      }
    }
    return word;
  }

  private static boolean isCjk(String type) {
    return type.equals(StandardTokenizer.TOKEN_TYPES[StandardTokenizer.IDEOGRAPHIC])
        || type.equals(StandardTokenizer.TOKEN_TYPES[StandardTokenizer.HIRAGANA])
        || type.equals(StandardTokenizer.TOKEN_TYPES[StandardTokenizer.KATAKANA])
        || type.equals(StandardTokenizer.TOKEN_TYPES[StandardTokenizer.HANGUL]);
  }

  /** Accents and ligatures of Latin letters folded to ASCII ("Zürich" to "zurich", "ß" to "ss"). */
  static String fold(String lower) {
    if (lower.chars().allMatch(c -> c < 0x80)) {
      return lower;
    }
    char[] input = lower.toCharArray();
    char[] output = new char[input.length * 4];
    int length = ASCIIFoldingFilter.foldToASCII(input, 0, output, 0, input.length);
    // Letters that folding does not know (other scripts) stay as they were, composed.
    String folded = new String(output, 0, length);
    return Normalizer.normalize(folded, Normalizer.Form.NFC);
  }

  /**
   * The language of a text among the Latin-script ones, by which language's stop words it uses
   * most; English when none or a tie with English.
   */
  static Language guessLatinLanguage(List<Token> tokens) {
    int[] hits = new int[Language.values().length];
    for (Token token : tokens) {
      int languages = token.cjk() ? 0 : StopWords.languagesOf(token.lower());
      while (languages != 0) {
        hits[Integer.numberOfTrailingZeros(languages)]++;
        languages &= languages - 1;
      }
    }
    Language best = Language.ENGLISH;
    for (Language language : Language.values()) {
      if (language.latinScript() && hits[language.ordinal()] > hits[best.ordinal()]) {
        best = language;
      }
    }
    return best;
  }

  /** Stemmers for one analysis, made once per language that needs one. */
  static final class Stemmers {
    /**
     * Forms worked out by one language are kept for this many words at most: a person's words
     * repeat across memories, and the bound keeps a thread's cache small whatever it indexes.
     */
    private static final int CACHED_WORDS_PER_LANGUAGE = 20_000;

    private static final ThreadLocal<Stemmers> PER_THREAD = ThreadLocal.withInitial(Stemmers::new);

    private final Map<Language, SnowballStemmer> stemmers = new EnumMap<>(Language.class);

    /** Forms already worked out, by language and word: words repeat within and across texts. */
    private final Map<Language, Map<String, Set<String>>> documentForms =
        new EnumMap<>(Language.class);

    /**
     * This thread's stemmers, whose cache of forms outlives one text (stemmers hold state, so
     * threads do not share them). The forms of a word never depend on what was cached before.
     */
    static Stemmers forThisThread() {
      return PER_THREAD.get();
    }

    /** The folded stem of {@code token} in {@code language}. */
    String stem(Token token, Language language) {
      SnowballStemmer stemmer = stemmers.computeIfAbsent(language, Language::stemmer);
      stemmer.setCurrent(token.lower());
      stemmer.stem();
      return fold(stemmer.getCurrent());
    }

    /**
     * What the forms column holds for a word of a text in {@code language}: for a Latin-script
     * word, its English stem where it differs from the word, and its stem in {@code language} if
     * that is not English; for a Cyrillic word, its Russian stem. A stem in the text's own
     * non-English language is kept even when it equals the word, because queries look for their
     * stems in those languages in this column only. Stop words of English and of {@code language}
     * get no forms: queries leave them out.
     */
    Set<String> documentForms(Token token, Language language) {
      int stopping = language.bit() | Language.ENGLISH.bit() | Language.RUSSIAN.bit();
      if (!token.stemmable() || (StopWords.languagesOf(token.lower()) & stopping) != 0) {
        return Set.of(); // stop words are left out of queries: their stems would find nothing
      }
      Map<String, Set<String>> known =
          documentForms.computeIfAbsent(language, l -> new HashMap<>());
      Set<String> forms = known.get(token.lower());
      if (forms == null) {
        forms = new LinkedHashSet<>();
        Character.UnicodeScript script = token.script();
        if (script == Character.UnicodeScript.LATIN) {
          String english = stem(token, Language.ENGLISH);
          if (!english.equals(token.folded())) {
            forms.add(english);
          }
          if (language != Language.ENGLISH) {
            forms.add(stem(token, language));
          }
        } else if (script == Character.UnicodeScript.CYRILLIC) {
          forms.add(stem(token, Language.RUSSIAN));
        }
        forms.removeIf(String::isEmpty);
        // In order, always: a contentless index deletes a row's terms at the positions they had.
        forms = Collections.unmodifiableSet(forms);
        if (known.size() >= CACHED_WORDS_PER_LANGUAGE) {
          known.clear();
        }
        known.put(token.lower(), forms);
      }
      return forms;
    }

    /** The English stem of a Latin-script word where it differs from the word. */
    Optional<String> englishStem(Token token) {
      if (!token.stemmable() || token.script() != Character.UnicodeScript.LATIN) {
        return Optional.empty();
      }
      String english = stem(token, Language.ENGLISH);
      return english.isEmpty() || english.equals(token.folded())
          ? Optional.empty()
          : Optional.of(english);
    }

    /**
     * A query word's stems in the other languages of its script (Russian for Cyrillic), apart from
     * the word itself and its English stem.
     */
    Set<String> otherLanguageStems(Token token) {
      Set<String> stems = new LinkedHashSet<>();
      if (!token.stemmable()) {
        return stems;
      }
      Character.UnicodeScript script = token.script();
      for (Language language : Language.values()) {
        boolean sameScript =
            language.latinScript()
                ? script == Character.UnicodeScript.LATIN
                : script == Character.UnicodeScript.CYRILLIC;
        if (language != Language.ENGLISH && sameScript) {
          stems.add(stem(token, language));
        }
      }
      stems.remove(token.folded());
      englishStem(token).ifPresent(stems::remove);
      stems.removeIf(String::isEmpty);
      return stems;
    }
  }
}
