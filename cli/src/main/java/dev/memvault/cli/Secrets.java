package dev.memvault.cli;

import dev.memvault.core.VaultException;
import java.util.Arrays;

/**
 * Reads passphrases and recovery keys from the environment or, failing that, from a terminal prompt
 * without echo. Never from the command line, where other users see it in the process list.
 */
final class Secrets {
  static final String PASSPHRASE = "MEMVAULT_PASSPHRASE";
  static final String NEW_PASSPHRASE = "MEMVAULT_NEW_PASSPHRASE";
  static final String RECOVERY_KEY = "MEMVAULT_RECOVERY_KEY";

  private final CliContext context;

  Secrets(CliContext context) {
    this.context = context;
  }

  /** The passphrase of an existing vault. */
  char[] passphrase() {
    return read(PASSPHRASE, "Passphrase: ", false);
  }

  /** A passphrase being set: from {@code variable}, or typed twice. */
  char[] newPassphrase(String variable) {
    return read(variable, "New passphrase: ", true);
  }

  String recoveryKey() {
    return new String(read(RECOVERY_KEY, "Recovery key: ", false));
  }

  private char[] read(String variable, String prompt, boolean confirm) {
    String fromEnvironment = context.environment().get(variable);
    if (fromEnvironment != null) {
      return fromEnvironment.toCharArray();
    }
    if (context.console() == null) {
      throw new VaultException.InvalidInput(
          "no terminal to ask for it: set " + variable + " in the environment");
    }
    char[] first = context.console().readPassword("%s", prompt);
    if (first == null) {
      throw new VaultException.InvalidInput("no input; nothing was changed");
    }
    if (confirm) {
      char[] second = context.console().readPassword("%s", "Repeat it: ");
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
}
