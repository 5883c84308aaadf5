package dev.memvault.core.internal.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.tartarus.snowball.SnowballStemmer;
import org.tartarus.snowball.ext.DutchStemmer;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.FrenchStemmer;
import org.tartarus.snowball.ext.GermanStemmer;
import org.tartarus.snowball.ext.ItalianStemmer;
import org.tartarus.snowball.ext.PortugueseStemmer;
import org.tartarus.snowball.ext.RussianStemmer;
import org.tartarus.snowball.ext.SpanishStemmer;

/**
 * A language whose word forms search folds together: its Snowball stemmer and its Snowball stop
 * words (both from Lucene). English comes first: it is the default and wins ties.
 */
enum Language {
  ENGLISH("english_stop.txt", EnglishStemmer::new, true),
  GERMAN("german_stop.txt", GermanStemmer::new, true),
  FRENCH("french_stop.txt", FrenchStemmer::new, true),
  SPANISH("spanish_stop.txt", SpanishStemmer::new, true),
  PORTUGUESE("portuguese_stop.txt", PortugueseStemmer::new, true),
  ITALIAN("italian_stop.txt", ItalianStemmer::new, true),
  DUTCH("dutch_stop.txt", DutchStemmer::new, true),
  RUSSIAN("russian_stop.txt", RussianStemmer::new, false);

  private final String stopWordFile;
  private final Supplier<SnowballStemmer> stemmers;
  private final boolean latinScript;

  Language(String stopWordFile, Supplier<SnowballStemmer> stemmers, boolean latinScript) {
    this.stopWordFile = stopWordFile;
    this.stemmers = stemmers;
    this.latinScript = latinScript;
  }

  /** True for the languages written in Latin script, false for Russian (Cyrillic). */
  boolean latinScript() {
    return latinScript;
  }

  /** A new stemmer; stemmers hold state, so each analysis takes its own. */
  SnowballStemmer stemmer() {
    return stemmers.get();
  }

  /** Whether {@code lowercaseWord} (not folded: "über", not "uber") is a stop word. */
  boolean isStopWord(String lowercaseWord) {
    return (StopWords.languagesOf(lowercaseWord) & bit()) != 0;
  }

  /** This language's bit in {@link StopWords#languagesOf}. */
  int bit() {
    return 1 << ordinal();
  }

  /** The stop words, lower case, as Lucene ships them. */
  CharArraySet loadStopWords() {
    InputStream in = SnowballFilter.class.getResourceAsStream(stopWordFile);
    if (in == null) {
      throw new IllegalStateException(stopWordFile + " missing from lucene-analysis-common");
    }
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return WordlistLoader.getSnowballWordSet(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(stopWordFile + " unreadable in lucene-analysis-common", e);
    }
  }
}
