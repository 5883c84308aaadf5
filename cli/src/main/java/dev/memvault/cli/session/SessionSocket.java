package dev.memvault.cli.session;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where a vault's session agent listens: {@code agent.sock} in the vault directory itself, which is
 * its owner's only (0700), so the socket is found from the vault alone, whatever the environment of
 * the command (a cron job, an assistant started by a desktop app), and goes where the vault goes.
 * The socket itself is 0600, and both ends check the other's user.
 */
final class SessionSocket {
  static final String FILE_NAME = "agent.sock";

  /**
   * Longest the agent gives a peer to send its two request bytes and take the answer: the agent
   * answers one peer at a time, so one that says nothing is dropped well before another's wait
   * ends.
   */
  static final Duration AGENT_EXCHANGE = Duration.ofSeconds(1);

  /** Longest a command waits for the agent's answer, queueing behind other peers included. */
  static final Duration CLIENT_EXCHANGE = Duration.ofSeconds(5);

  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "memvault-session-deadline");
            thread.setDaemon(true);
            return thread;
          });

  private SessionSocket() {}

  static Path of(Path vaultDirectory) {
    return vaultDirectory.toAbsolutePath().normalize().resolve(FILE_NAME);
  }

  /** The user this process runs as, to compare with a socket peer's. */
  static UserPrincipal currentUser() throws IOException {
    UnixSystem system = new UnixSystem();
    String name =
        system.getUsername() != null ? system.getUsername() : Long.toString(system.getUid());
    return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
  }

  /**
   * Closes {@code channel} after {@code limit} unless the returned deadline is cancelled first: a
   * peer that connects and says nothing cannot hold the other side.
   */
  static Deadline deadline(AutoCloseable channel, Duration limit) {
    ScheduledFuture<?> timeout =
        DEADLINES.schedule(
            () -> {
              try {
                channel.close();
              } catch (Exception ignored) {
                // Closing is the point; a channel already closed is as good.
              }
            },
            limit.toMillis(),
            TimeUnit.MILLISECONDS);
    return () -> timeout.cancel(false);
  }

  /** A pending close, cancelled when the exchange finished in time. */
  interface Deadline {
    void cancel();
  }
}
