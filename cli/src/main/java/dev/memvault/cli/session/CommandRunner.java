package dev.memvault.cli.session;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs one memvault command line inside the session agent, on the agent's vault; returns its exit
 * code.
 */
@FunctionalInterface
public interface CommandRunner {
  int run(
      Path vaultDirectory,
      List<String> args,
      Map<String, String> environment,
      boolean terminal,
      OutputStream out,
      OutputStream err);
}
