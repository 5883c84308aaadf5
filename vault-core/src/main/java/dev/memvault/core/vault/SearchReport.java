package dev.memvault.core.vault;

import dev.memvault.core.meaning.MeaningUse;
import java.util.List;

/** A search's results, best first, and whether they were ranked by meaning as well as words. */
public record SearchReport(List<SearchResult> results, MeaningUse meaning) {
  public SearchReport {
    results = List.copyOf(results);
  }
}
