package dev.memvault.cli.session;

import dev.memvault.core.vault.SessionKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * The session agent's process, started by {@code memvault unlock} ({@link SessionAgentProcess}):
 * arguments are the socket path and the expiry in epoch milliseconds; the key arrives on standard
 * input, never in an argument or the environment, which other processes can read. Prints {@link
 * #READY} once listening, or one line starting with {@code error: }, then serves until the session
 * ends.
 */
public final class SessionAgentMain {
  static final String READY = SessionProtocol.READY;

  private SessionAgentMain() {}

  /** An agent that runs no commands for others; commands then open the vault themselves. */
  public static void main(String[] args) throws IOException {
    serve(args, null);
  }

  /**
   * Serves as {@link #main} does, running read-only commands with {@code commands} (null: none).
   */
  public static void serve(String[] args, CommandRunner commands) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length != 2) {
      out.println("error: expected the socket path and the expiry");
      System.exit(2);
    }
    SessionKey key = SessionKey.readFrom(System.in);
    System.in.close();
    SessionAgent agent =
        new SessionAgent(
            Path.of(args[0]),
            key,
            Instant.ofEpochMilli(Long.parseLong(args[1])),
            Clock.systemUTC(),
            SessionSocket.currentUser(),
            ProcessHandle.current().pid(),
            commands);
    try {
      agent.bind();
    } catch (IOException e) {
      key.destroy();
      out.println("error: " + e.getMessage());
      System.exit(1);
    }
    // A plain kill (SIGTERM) ends the session as 'memvault lock' does: key zeroed, socket gone.
    Runtime.getRuntime().addShutdownHook(new Thread(agent::end, "memvault-session-end"));
    out.println(READY);
    out.close();
    agent.serve();
    System.exit(0);
  }
}
