package dev.memvault.cli;

import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.sdk.sync.GrantReader;
import dev.memvault.sdk.sync.GrantedVault;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "search",
    description = {
      "Search what a grant lets you read, best match first, as 'memvault search' does.",
      "Each memory is checked to be signed by a device of the person's vault first."
    })
final class ProviderSearchCommand implements Callable<Integer> {
  @ParentCommand ProviderCommand parent;
  @Mixin GrantAccessOptions access;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Parameters(paramLabel = "QUERY", arity = "1..*", description = "What to look for.")
  List<String> words;

  @Override
  public Integer call() {
    CliContext context = parent.root.context;
    String query = String.join(" ", words);
    try (GrantReader reader = access.connect();
        GrantedVault granted = GrantedVault.read(reader)) {
      List<SearchResult> results = granted.vault().search(query, Selection.all());
      SearchOutput.print(context, results, json, "no granted memories match '" + query + "'");
      if (granted.read().unreadableRevisions() > 0) {
        context
            .err()
            .println(
                granted.read().unreadableRevisions()
                    + " granted revisions are sealed under keys this grant does not hold yet"
                    + " (a key rotated and no device of the person's has synced since)");
      }
    }
    return Main.OK;
  }
}
