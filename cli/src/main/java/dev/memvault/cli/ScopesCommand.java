package dev.memvault.cli;

import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "scopes",
    mixinStandardHelpOptions = true,
    description = {"List scopes with their memory counts; rename or delete one."},
    subcommands = {ScopesRenameCommand.class, ScopesDeleteCommand.class})
final class ScopesCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open()) {
      List<ScopeSummary> scopes = opened.scopes();
      for (ScopeSummary scope : scopes) {
        if (json) {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("scope", scope.name());
          fields.put("memories", scope.memories());
          fields.put("keys", scope.keyCount());
          context.out().println(MemoryJson.line(fields));
        } else {
          context
              .out()
              .println(
                  String.format(
                      "%-16s %6d %s",
                      scope.name(),
                      scope.memories(),
                      scope.memories() == 1 ? "memory" : "memories"));
        }
      }
      if (scopes.isEmpty() && !json) {
        context.err().println("no scopes yet: 'memvault add --scope NAME TEXT' makes one");
      }
    }
    return Main.OK;
  }
}
