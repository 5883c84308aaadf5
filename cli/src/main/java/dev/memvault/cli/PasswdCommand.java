package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    mixinStandardHelpOptions = true,
    name = "passwd",
    description = {
      "Change the passphrase.",
      "Reads the current one from MEMVAULT_PASSPHRASE and the new one from",
      "MEMVAULT_NEW_PASSPHRASE, or asks, even while the vault is unlocked; ends the session.",
      "Keys are re-wrapped; no memory is re-encrypted."
    })
final class PasswdCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.openWithPassphrase()) {
      char[] next = vault.secrets().newPassphrase(Secrets.NEW_PASSPHRASE);
      try {
        opened.changePassphrase(next);
        vault.endSession();
      } finally {
        Arrays.fill(next, '\0');
      }
    }
    context.out().println("passphrase changed");
    return Main.OK;
  }
}
