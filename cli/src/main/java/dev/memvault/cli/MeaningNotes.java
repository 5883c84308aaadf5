package dev.memvault.cli;

import dev.memvault.core.meaning.MeaningUse;
import java.util.Optional;

/** The line a search prints on stderr when it could not rank by meaning, or only in part. */
final class MeaningNotes {
  private MeaningNotes() {}

  /**
   * @param nothingFound whether the search found nothing (and has no spelling to suggest): only
   *     then is a vault never indexed worth a word, since the person may be looking for something
   *     said in other words
   */
  static Optional<String> of(MeaningUse use, boolean nothingFound) {
    return switch (use.state()) {
      case OFF, USED -> Optional.empty();
      case USED_PARTLY ->
          Optional.of(
              "memvault: memories added since the last 'memvault index' are found by words only"
                  + " until it runs again");
      case NOT_INDEXED ->
          nothingFound
              ? Optional.of(
                  "memvault: searched by words only; run 'memvault index' once to also find"
                      + " memories that say it in other words")
              : Optional.empty();
      case UNAVAILABLE -> Optional.of("memvault: searched by words only: " + use.detail());
    };
  }
}
