package dev.memvault.cli;

import dev.memvault.cli.session.SessionClient;
import dev.memvault.core.VaultException;
import dev.memvault.core.vault.SessionKey;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.VaultLocation;
import dev.memvault.sdk.meaning.LocalEmbedder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every vault command shares, as a picocli mixin: the {@code --vault DIR} option (default
 * $MEMVAULT_HOME, else ~/.memvault), the terminal the command runs in, its secrets
 * (MEMVAULT_PASSPHRASE and the others, else an unlocked session, else a prompt) and opening the
 * vault, with a line on stderr while a search index rebuilds.
 */
final class VaultOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--vault",
      paramLabel = "DIR",
      description = "The vault directory (default: $MEMVAULT_HOME, else ~/.memvault).")
  Path vault;

  @Option(
      names = "--passphrase-command",
      paramLabel = "CMD",
      description =
          "Run CMD (with sh -c) and take the first line it prints as the passphrase, for a"
              + " keychain or password manager (default: $MEMVAULT_PASSPHRASE_COMMAND).")
  String passphraseCommand;

  /** The terminal of the {@code memvault} command line this command belongs to. */
  CliContext context() {
    return ((MemvaultCommand) command.root().userObject()).context;
  }

  Path directory() {
    return VaultLocation.resolve(vault, context().environment(), System.getProperty("user.home"));
  }

  Secrets secrets() {
    return new Secrets(context(), passphraseCommand);
  }

  /** Tells of a one-time search index rebuild on stderr, for opening and restoring. */
  RebuildMessages rebuildMessages() {
    return new RebuildMessages(context().err());
  }

  /**
   * Opens the vault: with the key of an unlocked session ({@code memvault unlock}) when no
   * passphrase was given, else as {@link #openWithPassphrase()} does.
   */
  MemoryVault open() {
    if (!secrets().given()) {
      Optional<MemoryVault> unlocked = openUnlocked(directory());
      if (unlocked.isPresent()) {
        return ready(unlocked.get());
      }
    }
    return openWithPassphrase();
  }

  /**
   * Opens the vault with the passphrase of MEMVAULT_PASSPHRASE, the passphrase command or a prompt,
   * never with a session: for the commands that change which secret opens it.
   */
  MemoryVault openWithPassphrase() {
    Path directory = directory();
    char[] passphrase = secrets().passphrase();
    try {
      return ready(MemoryVault.open(directory, passphrase, rebuildMessages()));
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  /** Ends the vault's session, if one runs: the secret that opens the vault is changing. */
  void endSession() {
    SessionClient.forVault(directory()).lock();
  }

  private Optional<MemoryVault> openUnlocked(Path directory) {
    SessionClient session = SessionClient.forVault(directory);
    Optional<SessionKey> key = session.key();
    if (key.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(MemoryVault.openWithSessionKey(directory, key.get(), rebuildMessages()));
    } catch (VaultException.WrongKey e) {
      // Rekeyed or replaced since the session began: its key is worth nothing any more.
      session.lock();
      return Optional.empty();
    } finally {
      key.get().destroy();
    }
  }

  private MemoryVault ready(MemoryVault vault) {
    vault.useEmbedder(LocalEmbedder.fromEnvironment(context().environment()));
    vault.openNotice().ifPresent(notice -> context().err().println("memvault: " + notice));
    return vault;
  }
}
