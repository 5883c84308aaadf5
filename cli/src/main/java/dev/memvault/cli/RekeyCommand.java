package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "rekey",
    description = {
      "Replace the vault's keys when a secret may have leaked.",
      "For when the passphrase, the recovery key or an old copy of the vault may have leaked:",
      "a new root key, a new database key (the database, search index",
      "included, is re-encrypted) and a new recovery key, printed once. An old vault.header or",
      "backup with the old passphrase, and the old recovery key, open nothing written from now",
      "on. A vault that syncs then publishes a new key epoch to its other devices. Safe to",
      "interrupt: the vault opens afterwards, as it was or rekeyed. Asks for the passphrase even",
      "while the vault is unlocked, and ends the session."
    })
final class RekeyCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--no-sync",
      description = "Do not sync now; the new key epoch goes out with the next sync.")
  boolean noSync;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    Path directory = vault.directory();
    char[] passphrase = vault.secrets().passphrase();
    try {
      // Before the keys change, so that no agent is left holding a root key that opens only the
      // old header and old backups.
      vault.endSession();
      String recoveryKey =
          MemoryVault.rekey(
              directory, passphrase, step -> context.err().println("memvault: " + step));
      showRecoveryKey(context, recoveryKey);
      if (!noSync) {
        publish(context, directory, passphrase);
      }
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    return Main.OK;
  }

  static void showRecoveryKey(CliContext context, String recoveryKey) {
    context
        .out()
        .println("New recovery key (shown this once; write it down and keep it apart from");
    context
        .out()
        .println("your passphrase; the old recovery key opens nothing written from now on):");
    context.out().println();
    context.out().println("    " + recoveryKey);
    context.out().println();
  }

  /** Syncs a vault that synced before, which publishes the new key epoch and recovery key. */
  static void publish(CliContext context, Path directory, char[] passphrase) {
    try (MemoryVault opened = MemoryVault.open(directory, passphrase)) {
      if (opened.replica().syncCursor().isEmpty()) {
        context.out().println("this vault does not sync; no other device to tell");
        return;
      }
      try (SyncClient client = SyncClient.connect(opened)) {
        client.sync();
        context
            .out()
            .println(
                "published key epoch "
                    + opened.replica().currentKeyEpoch()
                    + " and the new recovery key to the vault's other devices");
      } catch (VaultException.Unreachable e) {
        context
            .err()
            .println(
                "memvault: the vault is rekeyed, but its sync server cannot be reached now; the"
                    + " new key epoch goes out with the next `memvault sync`");
      }
    }
  }
}
