package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "recover",
    description = {
      "Set a new passphrase using the recovery key.",
      "The recovery key comes from MEMVAULT_RECOVERY_KEY or a prompt.",
      "The new passphrase comes from MEMVAULT_NEW_PASSPHRASE or a prompt.",
      "With --rekey, then replaces the vault's keys as 'memvault rekey' does, for when the old",
      "passphrase or the recovery key itself may have leaked: a new recovery key is printed once."
    })
final class RecoverCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--rekey",
      description = "Also replace the vault's keys and recovery key (as 'memvault rekey').")
  boolean rekey;

  @Option(
      names = "--no-sync",
      description = "With --rekey: do not sync now; the new key epoch goes out with the next sync.")
  boolean noSync;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    Path directory = vault.directory();
    Secrets secrets = vault.secrets();
    String recoveryKey = secrets.recoveryKey();
    char[] next = secrets.newPassphrase(Secrets.NEW_PASSPHRASE);
    try {
      vault.endSession();
      try (MemoryVault opened = MemoryVault.recover(directory, recoveryKey, next)) {
        context.out().println("passphrase reset for the vault at " + opened.directory());
      }
      if (rekey) {
        String newRecoveryKey =
            MemoryVault.rekey(directory, next, step -> context.err().println("memvault: " + step));
        RekeyCommand.showRecoveryKey(context, newRecoveryKey);
        if (!noSync) {
          RekeyCommand.publish(context, directory, next);
        }
      }
    } finally {
      Arrays.fill(next, '\0');
    }
    return Main.OK;
  }
}
