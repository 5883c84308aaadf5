package dev.memvault.cli;

import dev.memvault.core.VaultException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Entry point of the {@code memvault} command. Exit codes: 0 success, 1 the request could not be
 * done (wrong passphrase, unknown id, damaged vault), 2 a usage error. Errors are one line on
 * stderr; a stack trace is printed only when MEMVAULT_DEBUG=1.
 */
public final class Main {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(CliContext.system(), args));
  }

  /** Runs one command line against the given terminal; returns the exit code. */
  public static int run(CliContext context, String... args) {
    CommandLine commandLine = new CommandLine(new MemvaultCommand(context));
    commandLine.setOut(context.out());
    commandLine.setErr(context.err());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(Main::usageError);
    // A query such as "-x" is text to look for, not an unknown option.
    commandLine.getSubcommands().get("search").setUnmatchedOptionsArePositionalParams(true);
    commandLine.setExecutionExceptionHandler(
        (exception, failed, parseResult) -> failure(context, exception));
    int code = commandLine.execute(vaultOptionAfterCommand(args));
    context.out().flush();
    context.err().flush();
    return code;
  }

  /**
   * {@code memvault --vault DIR list} as {@code memvault list --vault DIR}: the vault is named
   * before the command as often as after it, and every command that opens a vault takes it.
   */
  static String[] vaultOptionAfterCommand(String[] args) {
    List<String> leading = new ArrayList<>();
    int i = 0;
    while (i < args.length) {
      if (args[i].equals("--vault") && i + 1 < args.length) {
        leading.add(args[i]);
        leading.add(args[i + 1]);
        i += 2;
      } else if (args[i].startsWith("--vault=")) {
        leading.add(args[i]);
        i++;
      } else {
        break;
      }
    }
    if (leading.isEmpty() || i == args.length) {
      return args;
    }
    List<String> reordered = new ArrayList<>(List.of(args).subList(i, args.length));
    reordered.addAll(leading);
    return reordered.toArray(String[]::new);
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    String message = e.getMessage().strip();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      List<String> words = unmatched.getUnmatched();
      boolean unknownCommand =
          command.getSubcommands().size() > 0 && !words.isEmpty() && !words.get(0).startsWith("-");
      if (unknownCommand) {
        message = "unknown command '" + words.get(0) + "'";
      }
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        message +=
            "; did you mean "
                + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size())))
                + "?";
      }
    }
    err.println(
        "memvault: "
            + message
            + " (see '"
            + command.getCommandSpec().qualifiedName()
            + " --help')");
    return USAGE;
  }

  private static int failure(CliContext context, Exception exception) {
    if (exception instanceof UsageException) {
      context.err().println("memvault: " + exception.getMessage());
      return USAGE;
    }
    if (exception instanceof VaultException) {
      context.err().println("memvault: " + exception.getMessage());
    } else {
      context
          .err()
          .println(
              "memvault: unexpected error ("
                  + exception.getClass().getSimpleName()
                  + "); run again with MEMVAULT_DEBUG=1 to see details");
    }
    if ("1".equals(context.environment().get("MEMVAULT_DEBUG"))) {
      exception.printStackTrace(context.err());
    }
    return FAILED;
  }

  /** A usage problem found after parsing (for example, both a text argument and '-'). */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
