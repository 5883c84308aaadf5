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

  public static CliContext system() {
    return new CliContext(
        System.getenv(),
        System.in,
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        System.console());
  }
}
