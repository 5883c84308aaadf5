package dev.memvault.cli;

import dev.memvault.core.VaultException;
import java.io.PrintWriter;
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
    int code = commandLine.execute(args);
    context.out().flush();
    context.err().flush();
    return code;
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(
        "memvault: "
            + e.getMessage()
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
