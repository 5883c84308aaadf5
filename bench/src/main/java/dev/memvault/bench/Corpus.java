package dev.memvault.bench;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.snowball.SnowballFilter;

/**
 * A deterministic corpus of memory-like documents of about 1 KiB each: sentences of words drawn
 * from a Zipf-Mandelbrot distribution over a vocabulary of real English words followed by a long
 * tail of generated pseudo-words, so that the corpus has common, medium and rare terms in realistic
 * proportions.
 *
 * <p>Document {@code i} depends only on the seed and {@code i}, so both stores under test can be
 * fed the same documents without keeping 100 MB of text in memory.
 */
final class Corpus {
  /** Real words first, roughly in English frequency order; they become the most common terms. */
  private static final String REAL_WORDS =
      "the of and to a in is it you that he was for on are with as i his they be at one have"
          + " this from or had by not word but what some we can out other were all there when up"
          + " use your how said an each she which do their time if will way about many then them"
          + " write would like so these her long make thing see him two has look more day could go"
          + " come did number sound no most people my over know water than call first who may down"
          + " side been now find any new work part take get place made live where after back little"
          + " only round man year came show every good me give our under name very through just"
          + " form sentence great think say help low line differ turn cause much mean before move"
          + " right boy old too same tell does set three want air well also play small end put home"
          + " read hand port large spell add even land here must big high such follow act why ask"
          + " men change went light kind off need house picture try us again animal point mother"
          + " world near build self earth father head stand own page should country found answer"
          + " school grow study still learn plant cover food sun four between state keep eye never"
          + " last let thought city tree cross farm hard start might story saw far sea draw left"
          + " late run while press close night real life few north open seem together next white"
          + " children begin got walk example ease paper group always music those both mark often"
          + " letter until mile river car feet care second book carry took science eat room friend"
          + " began idea fish mountain stop once base hear horse cut sure watch color face wood"
          + " main enough plain girl usual young ready above ever red list though feel talk bird"
          + " soon body dog family direct pose leave song measure door product black short numeral"
          + " class wind question happen complete ship area half rock order fire south problem"
          + " piece told knew pass since top whole king space heard best hour better true during"
          + " hundred five remember step early hold west ground interest reach fast verb sing"
          + " listen six table travel less morning ten simple several vowel toward war lay against"
          + " pattern slow center love person money serve appear road map rain rule govern pull"
          + " cold notice voice unit power town fine certain fly fall lead cry dark machine note"
          + " wait plan figure star box noun field rest correct able pound done beauty drive stood"
          + " contain front teach week final gave green quick develop ocean warm free minute strong"
          + " special mind behind clear tail produce fact street inch multiply nothing course stay"
          + " wheel full force blue object decide surface deep moon island foot system busy test"
          + " record boat common gold possible plane stead dry wonder laugh thousand ago ran check"
          + " game shape equate miss brought heat snow tire bring yes distant fill east paint"
          + " language among";

  /** Words with diacritics, placed among the medium-frequency ranks; FTS folds their accents. */
  private static final String ACCENTED_WORDS =
      "café résumé naïve jalapeño zürich crème déjà façade piñata señor über coöperate";

  private static final int ACCENTED_FIRST_RANK = 1_500;
  private static final String CONSONANTS = "bdfghklmnprstvz";
  private static final String VOWELS = "aeiou";
  private static final String[] ENDINGS = {"", "n", "r", "s"};
  private static final String[] TAGS = {
    "journal", "recipes", "errands", "ideas", "health", "finance", "reading", "projects"
  };

  private final long seed;
  private final String[] words;
  private final String[] tokens;
  private final double[] cumulative;

  /** A document: the text and tags of one memory. */
  record Document(String text, List<String> tags) {}

  /**
   * @param vocabularySize number of distinct words; the rarest of them occur about once in a corpus
   *     of {@code vocabularySize / 10} documents
   * @param exponent the Zipf exponent (1.0 is close to English)
   */
  Corpus(long seed, int vocabularySize, double exponent) {
    this.seed = seed;
    this.words = vocabulary(vocabularySize);
    this.tokens = new String[words.length];
    for (int i = 0; i < words.length; i++) {
      tokens[i] = isAsciiLowercase(words[i]) ? words[i] : fold(words[i]);
    }
    this.cumulative = new double[words.length];
    double sum = 0;
    for (int rank = 0; rank < words.length; rank++) {
      sum += 1.0 / Math.pow(rank + 2.7, exponent);
      cumulative[rank] = sum;
    }
    for (int rank = 0; rank < words.length; rank++) {
      cumulative[rank] /= sum;
    }
  }

  int vocabularySize() {
    return words.length;
  }

  /** The word at a rank as the FTS5 unicode61 tokenizer indexes it (lowercase, no accents). */
  String token(int rank) {
    return tokens[rank];
  }

  /**
   * False for ranks whose token is also a tag token, has accents, or is an English stop word (which
   * memvault's search leaves out of a query, and refuses alone): not query material.
   */
  boolean isPlainQueryTerm(int rank) {
    return words[rank].equals(tokens[rank])
        && !Arrays.asList(TAGS).contains(tokens[rank])
        && !ENGLISH_STOP_WORDS.contains(tokens[rank]);
  }

  private static final CharArraySet ENGLISH_STOP_WORDS = englishStopWords();

  private static CharArraySet englishStopWords() {
    try (Reader reader =
        new InputStreamReader(
            SnowballFilter.class.getResourceAsStream("english_stop.txt"), StandardCharsets.UTF_8)) {
      return WordlistLoader.getSnowballWordSet(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Document document(long index) {
    SplittableRandom random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    int targetChars = 900 + random.nextInt(251);
    StringBuilder text = new StringBuilder(targetChars + 64);
    while (text.length() < targetChars) {
      int sentenceWords = 6 + random.nextInt(13);
      for (int w = 0; w < sentenceWords; w++) {
        String word = words[nextRank(random)];
        if (w == 0) {
          if (text.length() > 0) {
            text.append(' ');
          }
          text.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
        } else {
          text.append(' ').append(word);
          if (w < sentenceWords - 1 && random.nextInt(12) == 0) {
            text.append(',');
          }
        }
      }
      text.append('.');
    }
    List<String> tags = new ArrayList<>(2);
    int tagCount = random.nextInt(3);
    for (int t = 0; t < tagCount; t++) {
      String tag = TAGS[random.nextInt(TAGS.length)];
      if (!tags.contains(tag)) {
        tags.add(tag);
      }
    }
    return new Document(text.toString(), tags);
  }

  /**
   * Document frequency of every rank over documents {@code 0..count-1}: in how many documents the
   * term occurs, as a full-text index counts it.
   */
  int[] documentFrequencies(int count) {
    int[] df = new int[words.length];
    int[] lastSeen = new int[words.length];
    Arrays.fill(lastSeen, -1);
    for (int doc = 0; doc < count; doc++) {
      SplittableRandom random = new SplittableRandom(seed ^ (doc * 0x9E3779B97F4A7C15L));
      // Replays document(doc) draw for draw, without building the text.
      int targetChars = 900 + random.nextInt(251);
      int length = 0;
      while (length < targetChars) {
        int sentenceWords = 6 + random.nextInt(13);
        for (int w = 0; w < sentenceWords; w++) {
          int rank = nextRank(random);
          if (lastSeen[rank] != doc) {
            lastSeen[rank] = doc;
            df[rank]++;
          }
          length += words[rank].length() + (length > 0 || w > 0 ? 1 : 0);
          if (w > 0 && w < sentenceWords - 1 && random.nextInt(12) == 0) {
            length++;
          }
        }
        length++;
      }
    }
    return df;
  }

  private int nextRank(SplittableRandom random) {
    int rank = Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(rank < 0 ? -rank - 1 : rank, words.length - 1);
  }

  private static String[] vocabulary(int size) {
    List<String> real = new ArrayList<>(List.of(REAL_WORDS.split(" ")));
    Set<String> taken = new HashSet<>();
    for (String word : real) {
      taken.add(fold(word));
    }
    for (String word : ACCENTED_WORDS.split(" ")) {
      taken.add(fold(word));
    }
    for (String tag : TAGS) {
      taken.add(tag);
    }
    String[] result = new String[size];
    int rank = 0;
    for (String word : real) {
      if (rank < size) {
        result[rank++] = word;
      }
    }
    List<String> accented = List.of(ACCENTED_WORDS.split(" "));
    long pseudo = 0;
    int nextAccented = 0;
    while (rank < size) {
      if (nextAccented < accented.size() && rank >= ACCENTED_FIRST_RANK + 37 * nextAccented) {
        result[rank++] = accented.get(nextAccented++);
        continue;
      }
      String word = pseudoWord(pseudo++);
      if (!taken.contains(word)) {
        result[rank++] = word;
      }
    }
    return result;
  }

  /**
   * The n-th pseudo-word: two or more consonant-vowel syllables and an optional final consonant.
   * The shape parses back uniquely, so distinct n give distinct words; shorter words come first.
   */
  static String pseudoWord(long n) {
    int syllables = CONSONANTS.length() * VOWELS.length();
    long remaining = n;
    int length = 2;
    long block = (long) Math.pow(syllables, length) * ENDINGS.length;
    while (remaining >= block) {
      remaining -= block;
      length++;
      block = (long) Math.pow(syllables, length) * ENDINGS.length;
    }
    String ending = ENDINGS[(int) (remaining % ENDINGS.length)];
    remaining /= ENDINGS.length;
    StringBuilder word = new StringBuilder(length * 2 + 1);
    for (int i = 0; i < length; i++) {
      int syllable = (int) (remaining % syllables);
      remaining /= syllables;
      word.append(CONSONANTS.charAt(syllable / VOWELS.length()))
          .append(VOWELS.charAt(syllable % VOWELS.length()));
    }
    return word.append(ending).toString();
  }

  private static boolean isAsciiLowercase(String word) {
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return true;
  }

  /** Lowercase without diacritics, as FTS5 unicode61 with remove_diacritics 2 indexes a word. */
  static String fold(String word) {
    return Normalizer.normalize(word, Normalizer.Form.NFD)
        .replaceAll("\\p{M}", "")
        .toLowerCase(Locale.ROOT);
  }
}
