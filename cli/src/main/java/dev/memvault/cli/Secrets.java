package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads passphrases and recovery keys from the environment or, failing that, from a terminal prompt
 * without echo. Never from the command line, where other users see it in the process list.
 */
final class Secrets {
  static final String PASSPHRASE = "MEMVAULT_PASSPHRASE";
  static final String NEW_PASSPHRASE = "MEMVAULT_NEW_PASSPHRASE";
  static final String RECOVERY_KEY = "MEMVAULT_RECOVERY_KEY";

  /**
   * A shell command whose first line of output is the passphrase (a keychain, a password manager).
   */
  static final String PASSPHRASE_COMMAND = "MEMVAULT_PASSPHRASE_COMMAND";

  /** Longest a passphrase command may take: a password manager waiting for a touch, not longer. */
  private static final long COMMAND_SECONDS = 60;

  private final CliContext context;
  private final String commandOption;

  /**
   * @param commandOption the {@code --passphrase-command} given, or null: it comes before the
   *     environment, as what is typed on the command line is the latest word
   */
  Secrets(CliContext context, String commandOption) {
    this.context = context;
    this.commandOption = commandOption;
  }

  /**
   * Whether a passphrase was given for this command (the option, MEMVAULT_PASSPHRASE or
   * MEMVAULT_PASSPHRASE_COMMAND): given, it is used rather than an unlocked session.
   */
  boolean given() {
    return commandOption != null
        || context.environment().get(PASSPHRASE) != null
        || context.environment().get(PASSPHRASE_COMMAND) != null;
  }

  /** The passphrase of an existing vault. */
  char[] passphrase() {
    if (commandOption != null) {
      return fromCommand(commandOption, "--passphrase-command");
    }
    String command = context.environment().get(PASSPHRASE_COMMAND);
    if (context.environment().get(PASSPHRASE) == null && command != null) {
      return fromCommand(command, PASSPHRASE_COMMAND);
    }
    return read(PASSPHRASE, "Passphrase: ", false);
  }

  /**
   * The first line {@code command} prints, run by {@code sh -c} with this terminal's standard error
   * (for its own prompts); its exit code must be 0.
   */
  private char[] fromCommand(String command, String source) {
    Process process;
    try {
      process =
          new ProcessBuilder("sh", "-c", command)
              .redirectInput(ProcessBuilder.Redirect.INHERIT)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      throw new VaultException.InvalidInput(source + " could not be started: " + e.getMessage());
    }
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new VaultException.InvalidInput(
            source + " did not finish within " + COMMAND_SECONDS + " seconds");
      }
      if (process.exitValue() != 0 || line == null || line.isEmpty()) {
        throw new VaultException.InvalidInput(
            source
                + " printed no passphrase (exit code "
                + process.exitValue()
                + "); check the command");
      }
      return line.toCharArray();
    } catch (IOException e) {
      throw new VaultException.InvalidInput(source + " could not be read: " + e.getMessage());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new VaultException.InvalidInput(source + " was interrupted");
    }
  }

  /**
   * A passphrase being set: from {@code variable}, or typed twice. One too weak to set is refused
   * as soon as it is read (before it is asked again, and before the command changes anything).
   */
  char[] newPassphrase(String variable) {
    return read(variable, "New passphrase: ", true);
  }

  String recoveryKey() {
    return new String(read(RECOVERY_KEY, "Recovery key: ", false));
  }

  /** Where a secret is typed: the console, or the controlling terminal behind redirections. */
  private interface Prompt {
    char[] readSecret(String prompt);
  }

  private Prompt terminal(String variable) {
    if (context.console() != null) {
      return prompt -> context.console().readPassword("%s", prompt);
    }
    Optional<TtyPrompt> tty =
        context.console() == null && context.in() == System.in
            ? TtyPrompt.open()
            : Optional.empty();
    if (tty.isPresent()) {
      return tty.get()::readSecret;
    }
    throw new VaultException.InvalidInput(
        "no terminal to ask for it: set "
            + variable
            + (variable.equals(PASSPHRASE)
                ? " or "
                    + PASSPHRASE_COMMAND
                    + " in the environment, or run 'memvault unlock' first"
                : " in the environment"));
  }

  private char[] read(String variable, String prompt, boolean chosen) {
    String fromEnvironment = context.environment().get(variable);
    if (fromEnvironment != null) {
      return chosen ? strongEnough(fromEnvironment.toCharArray()) : fromEnvironment.toCharArray();
    }
    Prompt terminal = terminal(variable);
    char[] first = terminal.readSecret(prompt);
    if (first == null) {
      throw new VaultException.InvalidInput("no input; nothing was changed");
    }
    if (chosen) {
      strongEnough(first);
      char[] second = terminal.readSecret("Repeat it: ");
      boolean same = second != null && Arrays.equals(first, second);
      if (second != null) {
        Arrays.fill(second, '\0');
      }
      if (!same) {
        Arrays.fill(first, '\0');
        throw new VaultException.InvalidInput("the two entries differ; nothing was changed");
      }
    }
    return first;
  }

  /** {@code passphrase} if it may be set; else it is wiped and refused with the reason. */
  private static char[] strongEnough(char[] passphrase) {
    try {
      MemoryVault.requireStrongEnough(passphrase);
    } catch (VaultException.InvalidInput e) {
      Arrays.fill(passphrase, '\0');
      throw new VaultException.InvalidInput(e.getMessage() + "; nothing was changed");
    }
    return passphrase;
  }
}
