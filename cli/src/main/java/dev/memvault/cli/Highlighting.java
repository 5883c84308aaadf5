package dev.memvault.cli;

import dev.memvault.core.vault.SearchResult;

/**
 * How search output marks the words that matched: bold on a terminal, [brackets] on one whose
 * environment sets NO_COLOR, and not at all when the output goes to a pipe or a file, so that
 * {@code memvault search Pi-hole | grep Pi-hole} finds the text as it was written.
 */
final class Highlighting {
  private static final String BOLD = "\u001b[1m";
  private static final String RESET = "\u001b[0m";

  private Highlighting() {}

  static String snippet(CliContext context, SearchResult result) {
    String snippet;
    if (!context.outputIsTerminal()) {
      snippet = result.plainSnippet();
    } else if (!context.environment().getOrDefault("NO_COLOR", "").isEmpty()) {
      snippet = result.snippet();
    } else {
      snippet = result.snippet(BOLD, RESET);
    }
    return snippet.replaceAll("\\s+", " ");
  }
}
