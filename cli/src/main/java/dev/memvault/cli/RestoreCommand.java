package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Vault;
import dev.memvault.core.vault.VaultHeaderFile;
import dev.memvault.sdk.MemoryVault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a backup file made by 'memvault backup' into a new vault.",
      "",
      "Unlock it with the passphrase that was current when the backup was made",
      "(MEMVAULT_PASSPHRASE or a prompt), or, with --recovery, with the vault's recovery key",
      "(MEMVAULT_RECOVERY_KEY or a prompt) and a new passphrase (MEMVAULT_NEW_PASSPHRASE or",
      "a prompt, asked twice).",
      "",
      "The whole backup is verified before the vault appears: a damaged or altered backup",
      "restores nothing. Refuses, changing nothing, if a vault is already at the target.",
      "",
      "Example: memvault restore ~/memvault-2025-06-01.mvbackup --vault ~/.memvault"
    })
final class RestoreCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Parameters(index = "0", paramLabel = "FILE", description = "The backup file.")
  Path file;

  @Option(
      names = "--recovery",
      description = "Unlock with the recovery key and set a new passphrase.")
  boolean recovery;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    Path directory = vault.directory();
    // Refuse before asking for any key; the vault checks both again.
    if (!Files.isRegularFile(file)) {
      throw new VaultException.NotFound("no backup file " + file);
    }
    if (Files.exists(VaultHeaderFile.path(directory))
        || Files.exists(directory.resolve(Vault.DATABASE_FILE))) {
      throw new VaultException.AlreadyExists(
          "a vault already exists at "
              + directory
              + "; nothing was changed (restore into another directory with --vault DIR)");
    }
    Secrets secrets = vault.secrets();
    MemoryVault restored;
    if (recovery) {
      String recoveryKey = secrets.recoveryKey();
      char[] next = secrets.newPassphrase(Secrets.NEW_PASSPHRASE);
      try {
        restored =
            MemoryVault.restoreWithRecovery(
                file, directory, recoveryKey, next, vault.rebuildMessages());
      } finally {
        Arrays.fill(next, '\0');
      }
    } else {
      char[] passphrase = secrets.passphrase();
      try {
        restored = MemoryVault.restore(file, directory, passphrase, vault.rebuildMessages());
      } catch (VaultException.WrongKey e) {
        throw new VaultException.WrongKey(
            "wrong passphrase for the backup "
                + file
                + ": it opens with the passphrase that was"
                + " current when it was made, or with --recovery; nothing was restored");
      } finally {
        Arrays.fill(passphrase, '\0');
      }
    }
    try (restored) {
      long memories = restored.scopes().stream().mapToLong(scope -> scope.memories()).sum();
      context
          .out()
          .println(
              "Restored "
                  + memories
                  + (memories == 1 ? " memory" : " memories")
                  + " in "
                  + restored.scopes().size()
                  + " scope(s) from "
                  + file
                  + " into "
                  + directory);
      if (recovery) {
        context.out().println("The new passphrase is set; the recovery key stays the same.");
      }
    }
    return Main.OK;
  }
}
