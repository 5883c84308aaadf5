package dev.memvault.cli;

import dev.memvault.core.vault.Selection;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "list",
    description = {
      "List memories, most recently updated first.",
      "Messages of conversations are listed only with --kind message."
    })
final class ListCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;
  @Mixin SelectionOptions selection;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    // Checked before opening, so a typo costs no key derivation.
    Selection filters = selection.toSelection();
    long limit = selection.limit;
    long[] shown = {0};
    boolean[] more = {false};
    try (MemoryVault opened = vault.open()) {
      // One more than asked, to tell the person when more match.
      opened.list(
          filters,
          limit == Long.MAX_VALUE ? limit : limit + 1,
          memory -> {
            if (shown[0] == limit) {
              more[0] = true;
              return;
            }
            context
                .out()
                .println(
                    json
                        ? MemoryJson.line(memory)
                        : MemoryText.row(memory, MemoryText.preview(memory)));
            shown[0]++;
          });
    }
    if (shown[0] == 0 && !json) {
      context.err().println("no memories");
    }
    if (more[0]) {
      context.err().println(Cut.listNotice(limit));
    }
    return Main.OK;
  }
}
