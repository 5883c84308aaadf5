package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    mixinStandardHelpOptions = true,
    name = "init",
    description = {
      "Create a new vault and print its recovery key once.",
      "Asks for a passphrase twice, or reads MEMVAULT_PASSPHRASE.",
      "Refuses, changing nothing, if a vault is already there."
    })
final class InitCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    Path directory = vault.directory();
    requireNewOrEmpty(directory);
    char[] passphrase = vault.secrets().newPassphrase(Secrets.PASSPHRASE);
    MemoryVault.Created created;
    try {
      created = MemoryVault.create(directory, passphrase);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    created.vault().close();
    context.out().println("Created a vault at " + directory);
    context.out().println();
    context.out().println("Recovery key (shown this once; write it down and keep it apart from");
    context.out().println("this device: it is the only way in if you forget the passphrase):");
    context.out().println();
    context.out().println("    " + created.recoveryKey());
    context.out().println();
    return Main.OK;
  }

  /**
   * Refuses a directory that holds files but no vault: a mistyped path must not mix a vault into
   * someone's documents. An existing vault is refused by create itself, which says so.
   */
  private static void requireNewOrEmpty(Path directory) {
    if (!Files.isDirectory(directory) || Files.exists(directory.resolve("vault.header"))) {
      return;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      if (entries.findAny().isPresent()) {
        throw new VaultException.InvalidInput(
            directory + " is not empty and holds no vault; choose a new or empty directory");
      }
    } catch (IOException e) {
      throw new VaultException.InvalidInput("cannot read " + directory + ": " + e.getMessage());
    }
  }
}
