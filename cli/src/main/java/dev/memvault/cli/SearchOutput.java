package dev.memvault.cli;

import dev.memvault.core.vault.SearchResult;
import dev.memvault.sdk.MemoryJson;
import java.util.List;

/** Search hits as the search commands print them: a row, or a JSON line, per hit. */
final class SearchOutput {
  private SearchOutput() {}

  /** Prints {@code results}; none prints {@code noneMatched} on standard error (not with JSON). */
  static void print(
      CliContext context, List<SearchResult> results, boolean json, String noneMatched) {
    for (SearchResult result : results) {
      context
          .out()
          .println(
              json
                  ? MemoryJson.line(result)
                  : MemoryText.row(result.memory(), Highlighting.snippet(context, result)));
    }
    if (results.isEmpty() && !json) {
      context.err().println(noneMatched);
    }
  }
}
