package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.VaultLocation;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --vault DIR} option every command takes, and opening the vault it names. */
final class VaultOption {
  @Option(
      names = "--vault",
      paramLabel = "DIR",
      description = "The vault directory (default: $MEMVAULT_HOME, else ~/.memvault).")
  Path vault;

  Path directory(CliContext context) {
    return VaultLocation.resolve(vault, context.environment(), System.getProperty("user.home"));
  }

  MemoryVault open(CliContext context) {
    Path directory = directory(context);
    char[] passphrase = new Secrets(context).passphrase();
    try {
      return MemoryVault.open(directory, passphrase, new RebuildMessages(context.err()));
    } finally {
      java.util.Arrays.fill(passphrase, '\0');
    }
  }
}
