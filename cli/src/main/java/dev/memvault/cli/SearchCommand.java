package dev.memvault.cli;

import dev.memvault.core.vault.SearchReport;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.sdk.MemoryVault;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "search",
    description = {
      "Search memories, best match first.",
      "Prints id, scope, kind and a snippet; matches are bold on a terminal ([brackets] with",
      "NO_COLOR set) and unmarked when the output goes to a pipe or a file.",
      "Type the query as you would anywhere, a question too: words match in other forms",
      "(restaurant finds restaurants), common words (what, the) are left out, memories with",
      "every word come first, then those with some; \"quotes\" keep a phrase as written;",
      "word* matches a prefix; accents are ignored. A conversation is found by its messages.",
      "A misspelled word gets a 'did you mean' from the words of your memories.",
      "Once 'memvault index' has run, memories that mean what you typed are found too,",
      "even when they share no word with it (drug allergy finds 'Penicillin gives me hives')."
    })
final class SearchCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;
  @Mixin SelectionOptions selection;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Parameters(paramLabel = "QUERY", arity = "1..*", description = "What to look for.")
  List<String> words;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    String query = String.join(" ", words);
    for (String word : words) {
      if (word.matches("--[A-Za-z][A-Za-z-]*")) {
        // Words starting with "-" are query text (search -x), but a long option memvault does
        // not know is a typo far more often than a word to look for.
        throw new Main.UsageException(
            "unknown option '" + word + "' (see 'memvault search --help')");
      }
    }
    // Checked before opening, so a typo costs no key derivation.
    Selection filters = selection.toSelection();
    try (MemoryVault opened = vault.open()) {
      SearchReport report = opened.searchReport(query, Cut.oneMore(filters));
      List<SearchResult> results = report.results();
      boolean cut = Cut.isCut(results, filters);
      results = Cut.shown(results, filters);
      SearchOutput.print(context, results, json, "no memories match '" + query + "'");
      if (cut) {
        context.err().println(Cut.notice(filters));
      }
      Optional<String> suggestion = opened.spellingSuggestion(query);
      // A misspelling is the likelier reason for no match than words the vault says otherwise.
      MeaningNotes.of(report.meaning(), results.isEmpty() && suggestion.isEmpty())
          .ifPresent(note -> context.err().println(note));
      suggestion.ifPresent(words -> context.err().println("did you mean: " + words));
    }
    return Main.OK;
  }
}
