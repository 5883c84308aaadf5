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

  @Parameters(
      paramLabel = "ID",
      description =
          "The memory's id, or its first characters (at least 4) if no other id starts so.")
  String id;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open()) {
      String full = opened.resolveId(id);
      opened.forget(full);
      context.out().println("forgot " + full);
    }
    return Main.OK;
  }
}
