package dev.memvault.sdk;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import java.nio.CharBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges a passphrase being chosen by zxcvbn's estimate of the guesses an attacker who knows common
 * passwords, words, names, keyboard walks, repeats, sequences and dates needs to find it.
 *
 * <p>A vault's files protect their keys with Argon2id (64 MiB, 3 passes) alone once they are
 * stolen, so the passphrase's guesses are the whole of that protection: one below {@link
 * #MIN_GUESSES_LOG10} is refused. THREAT_MODEL.md says what the floor buys.
 *
 * <p>The passphrase is handed to the estimator as a {@link CharSequence} view over the caller's
 * array, never as a {@code String}; the estimator's own working copies are wiped after the estimate
 * except the dictionary look-up keys it makes, which stay on the heap until collected.
 */
public final class PassphraseStrength {
  /** Fewer characters are refused before any estimate. */
  public static final int MIN_CHARS = 8;

  /**
   * The floor: zxcvbn's score 3 ("safely unguessable"), 10^8 guesses, about a core-year of Argon2id
   * at this vault's parameters.
   */
  public static final double MIN_GUESSES_LOG10 = 8;

  /**
   * zxcvbn's matching is superlinear in the length; characters past this many can only add guesses,
   * so the estimate reads a prefix and stays a lower bound.
   */
  static final int ESTIMATED_CHARS = 100;

  private static final String ADVICE =
      "choose four or more random words, or a longer phrase of your own";

  private PassphraseStrength() {}

  /**
   * Why {@code passphrase} is refused, as the middle of a sentence ("the passphrase is too easy to
   * guess: ..."), or empty if it is strong enough.
   */
  public static Optional<String> weakness(char[] passphrase) {
    if (passphrase == null || passphrase.length < MIN_CHARS) {
      return Optional.of(
          "the passphrase is too short: use at least " + MIN_CHARS + " characters; " + ADVICE);
    }
    Strength strength =
        Estimator.ZXCVBN.measure(
            // Read-only: the estimator's wipe blanks a writable buffer, which here is the
            // caller's array, still needed to set the passphrase.
            CharBuffer.wrap(passphrase, 0, Math.min(passphrase.length, ESTIMATED_CHARS))
                .asReadOnlyBuffer());
    try {
      if (strength.getGuessesLog10() >= MIN_GUESSES_LOG10) {
        return Optional.empty();
      }
      String reason = oneCharacter(passphrase) ? "it is one character repeated" : reason(strength);
      return Optional.of("the passphrase is too easy to guess: " + reason + "; " + ADVICE);
    } finally {
      strength.wipe();
    }
  }

  /** zxcvbn calls a run of one character a sequence; a person reads that as wrong. */
  private static boolean oneCharacter(char[] passphrase) {
    for (char c : passphrase) {
      if (c != passphrase[0]) {
        return false;
      }
    }
    return true;
  }

  /** zxcvbn's warning for the pattern that made it weak, in lower case without its full stop. */
  private static String reason(Strength strength) {
    String warning = strength.getFeedback().getWarning(Locale.ROOT);
    if (warning == null || warning.isBlank()) {
      return "an attacker would find it within " + guesses(strength) + " guesses";
    }
    String sentence = warning.strip();
    if (sentence.endsWith(".")) {
      sentence = sentence.substring(0, sentence.length() - 1);
    }
    return Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1);
  }

  private static String guesses(Strength strength) {
    return "10^" + (int) Math.ceil(strength.getGuessesLog10());
  }

  /** Loads the dictionaries once, on the first passphrase judged. */
  private static final class Estimator {
    static final Zxcvbn ZXCVBN = new Zxcvbn();
  }
}
