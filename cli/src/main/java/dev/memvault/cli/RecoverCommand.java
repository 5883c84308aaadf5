package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    mixinStandardHelpOptions = true,
    name = "recover",
    description = {
      "Set a new passphrase using the recovery key.",
      "The recovery key comes from MEMVAULT_RECOVERY_KEY or a prompt.",
      "The new passphrase comes from MEMVAULT_NEW_PASSPHRASE or a prompt."
    })
final class RecoverCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    Path directory = vault.directory();
    Secrets secrets = vault.secrets();
    String recoveryKey = secrets.recoveryKey();
    char[] next = secrets.newPassphrase(Secrets.NEW_PASSPHRASE);
    try (MemoryVault opened = MemoryVault.recover(directory, recoveryKey, next)) {
      context.out().println("passphrase reset for the vault at " + opened.directory());
    } finally {
      Arrays.fill(next, '\0');
    }
    return Main.OK;
  }
}
