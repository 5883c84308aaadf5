package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "forget",
    description = {
      "Delete a memory and all its earlier revisions.",
      "It disappears from list, search and show; a conversation goes with its messages."
    })
final class ForgetCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Parameters(paramLabel = "ID", description = "The memory's id.")
  String id;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open()) {
      opened.forget(id);
      context.out().println("forgot " + id);
    }
    return Main.OK;
  }
}
