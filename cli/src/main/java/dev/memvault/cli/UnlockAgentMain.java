package dev.memvault.cli;

import dev.memvault.cli.session.SessionAgentMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The process {@code memvault unlock} leaves running: the session agent, which also runs the
 * read-only commands that {@link Launch} hands it ({@code search}, {@code list}, {@code show}), so
 * that they pay a JVM start and not the loading of the crypto, database and search libraries. Each
 * command opens the vault with the session's key, as a command of its own would, and closes it.
 */
public final class UnlockAgentMain {
  private UnlockAgentMain() {}

  public static void main(String[] args) throws IOException {
    SessionAgentMain.serve(args, UnlockAgentMain::run);
  }

  private static int run(
      Path vaultDirectory,
      List<String> args,
      Map<String, String> environment,
      boolean terminal,
      OutputStream out,
      OutputStream err) {
    Map<String, String> shown = new HashMap<>(environment);
    if (terminal) {
      shown.put(CliContext.TERMINAL_VARIABLE, "1");
    }
    CliContext context =
        new CliContext(
            shown,
            InputStream.nullInputStream(),
            new PrintWriter(out, true, StandardCharsets.UTF_8),
            new PrintWriter(err, true, StandardCharsets.UTF_8),
            null);
    List<String> line = new ArrayList<>(List.of("--vault", vaultDirectory.toString()));
    line.addAll(args);
    return Main.run(context, line.toArray(String[]::new));
  }
}
