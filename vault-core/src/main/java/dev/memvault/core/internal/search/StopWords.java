package dev.memvault.core.internal.search;

import java.util.HashMap;
import java.util.Map;

/**
 * The stop words of every {@link Language}, as one map from word to the bits of the languages that
 * stop it: the language of a text is guessed with one lookup per word.
 */
final class StopWords {
  private static final Map<String, Integer> LANGUAGES = load();

  private StopWords() {}

  /** The {@link Language#bit()}s of the languages that count {@code lowercaseWord} a stop word. */
  static int languagesOf(String lowercaseWord) {
    return LANGUAGES.getOrDefault(lowercaseWord, 0);
  }

  private static Map<String, Integer> load() {
    Map<String, Integer> languages = new HashMap<>();
    for (Language language : Language.values()) {
      for (Object word : language.loadStopWords()) {
        String text = word instanceof char[] chars ? new String(chars) : word.toString();
        languages.merge(text, language.bit(), (a, b) -> a | b);
      }
    }
    return Map.copyOf(languages);
  }
}
