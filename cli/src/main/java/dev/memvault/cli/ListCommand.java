package dev.memvault.cli;

import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import java.util.List;
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
    try (MemoryVault opened = vault.open()) {
      List<Memory> memories = opened.list(Cut.oneMore(filters));
      boolean cut = Cut.isCut(memories, filters);
      memories = Cut.shown(memories, filters);
      for (Memory memory : memories) {
        context
            .out()
            .println(
                json
                    ? MemoryJson.line(memory)
                    : MemoryText.row(memory, MemoryText.preview(memory)));
      }
      if (memories.isEmpty() && !json) {
        context.err().println("no memories");
      }
      if (cut) {
        context.err().println(Cut.notice(filters));
      }
    }
    return Main.OK;
  }
}
