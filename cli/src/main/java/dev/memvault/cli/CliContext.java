package dev.memvault.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The terminal a command runs in: environment, standard streams and, when there is one, the console
 * for passphrase prompts. Tests pass their own.
 */
public record CliContext(
    Map<String, String> environment,
    InputStream in,
    PrintWriter out,
    PrintWriter err,
    Console console) {

  /**
   * Set by the session agent for a command it runs for another process whose output is a terminal:
   * the agent has no terminal of its own, and output is shaped as the asker would shape it.
   */
  public static final String TERMINAL_VARIABLE = "MEMVAULT_OUTPUT_IS_TERMINAL";

  /** Whether output goes to a terminal (marks and colours are for people, not for pipes). */
  public boolean outputIsTerminal() {
    return console != null || "1".equals(environment.get(TERMINAL_VARIABLE));
  }

  public static CliContext system() {
    return new CliContext(
        System.getenv(),
        System.in,
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        System.console());
  }
}
