package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Vault;
import dev.memvault.sdk.MemoryVault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "rename",
    description = {
      "Rename a scope, here and on your other devices at their next sync.",
      "Its memories, keys and grants stay with it. Its first name stays reserved to it: a new",
      "scope cannot take that name, but 'scopes rename' can give it back."
    })
final class ScopesRenameCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Parameters(index = "0", paramLabel = "OLD", description = "The scope's name now.")
  String from;

  @Parameters(index = "1", paramLabel = "NEW", description = "Its new name.")
  String to;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try {
      Vault.requireValidScopeName(to);
      try (MemoryVault opened = vault.open()) {
        opened.renameScope(from, to);
      }
    } catch (VaultException.InvalidInput | VaultException.UnknownItem e) {
      throw new Main.UsageException(e.getMessage());
    }
    context.out().println("renamed scope '" + from + "' to '" + to + "'");
    return Main.OK;
  }
}
