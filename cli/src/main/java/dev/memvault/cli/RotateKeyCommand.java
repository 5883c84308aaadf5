package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "rotate-key",
    description = {
      "Give a scope a new key for new memories.",
      "Existing memories stay readable under their old keys; nothing is re-encrypted."
    })
final class RotateKeyCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "The scope.")
  String scope;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open()) {
      opened.rotateScopeKey(scope);
      context.out().println("scope " + scope + " has a new key for new memories");
    }
    return Main.OK;
  }
}
