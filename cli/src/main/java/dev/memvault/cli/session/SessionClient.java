package dev.memvault.cli.session;

import dev.memvault.core.vault.SessionKey;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;

/**
 * A command's side of a vault's session: asks the agent, if one runs for that vault, for the key,
 * its status, or to lock. Answers only from an agent of this same user. A socket nobody listens on
 * (the agent died) is removed without a word; every other failure reads as "not unlocked", so that
 * the command asks for the passphrase as it would without a session.
 */
public final class SessionClient {
  /** Larger than any frame the agent writes (it writes what a print call gave it). */
  private static final int MAX_FRAME_BYTES = 16 << 20;

  private final Path socket;

  private SessionClient(Path socket) {
    this.socket = socket;
  }

  public static SessionClient forVault(Path vaultDirectory) {
    return new SessionClient(SessionSocket.of(vaultDirectory));
  }

  /** An unlocked session: until when, and the agent's process id. */
  public record Status(Instant expiresAt, long agentPid) {}

  /** The key of the unlocked session, to be destroyed by the caller once the vault is open. */
  public Optional<SessionKey> key() {
    return ask(
        SessionProtocol.KEY,
        (answer, in) ->
            answer.state() == SessionProtocol.UNLOCKED
                ? Optional.of(SessionKey.readFrom(in))
                : Optional.empty());
  }

  public Optional<Status> status() {
    return ask(
        SessionProtocol.STATUS,
        (answer, in) ->
            answer.state() == SessionProtocol.UNLOCKED
                ? Optional.of(new Status(answer.expiresAt(), answer.agentPid()))
                : Optional.empty());
  }

  /** Ends the session; whether one was running. When this returns, its socket is gone. */
  public boolean lock() {
    return ask(
            SessionProtocol.LOCK,
            (answer, in) ->
                answer.state() == SessionProtocol.LOCKED ? Optional.of(true) : Optional.empty())
        .orElse(false);
  }

  /**
   * Has the agent run a read-only command for this process ({@link SessionProtocol#RUN}), its
   * output copied to {@code out} and {@code err} as it comes. Empty if no agent of this user runs
   * for {@code vaultDirectory}, or it declines (one command runs already): the caller then runs the
   * command itself, as it would without a session.
   *
   * @param args the command line without {@code --vault}
   * @return the command's exit code
   */
  public Optional<Integer> run(
      Path vaultDirectory,
      List<String> args,
      Map<String, String> environment,
      boolean terminal,
      OutputStream out,
      OutputStream err) {
    CommandRequest request =
        new CommandRequest(
            vaultDirectory.toAbsolutePath().normalize().toString(), terminal, args, environment);
    return ask(
        SessionProtocol.RUN,
        request::writeTo,
        (answer, in) ->
            answer.state() == SessionProtocol.UNLOCKED
                ? Optional.of(copyFrames(in, out, err))
                : Optional.empty(),
        true);
  }

  /** Copies a command's output frames until its exit code, which it returns. */
  private static int copyFrames(DataInputStream in, OutputStream out, OutputStream err)
      throws IOException {
    try {
      while (true) {
        byte tag = in.readByte();
        if (tag == SessionProtocol.EXIT) {
          return in.readInt();
        }
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME_BYTES) {
          throw new IOException("a frame of " + length + " bytes");
        }
        OutputStream into = tag == SessionProtocol.ERR ? err : out;
        into.write(in.readNBytes(length));
        into.flush();
      }
    } catch (IOException e) {
      err.write(
          "memvault: the session agent stopped before the command ended; run it again\n"
              .getBytes(StandardCharsets.UTF_8));
      err.flush();
      return 1;
    }
  }

  @FunctionalInterface
  private interface Reading<T> {
    Optional<T> read(SessionProtocol.Answer answer, DataInputStream in) throws IOException;
  }

  private <T> Optional<T> ask(byte request, Reading<T> reading) {
    return ask(request, out -> {}, reading, false);
  }

  /** What follows the two request bytes. */
  @FunctionalInterface
  private interface Writing {
    void write(DataOutputStream out) throws IOException;
  }

  /**
   * @param untimedAnswer whether the answer may take as long as it takes once the agent has said it
   *     runs the request (a command's output)
   */
  private <T> Optional<T> ask(
      byte request, Writing body, Reading<T> reading, boolean untimedAnswer) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    SocketChannel channel;
    try {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (ConnectException e) {
      removeStale();
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    SessionSocket.Deadline deadline =
        SessionSocket.deadline(channel, SessionSocket.CLIENT_EXCHANGE);
    try (channel) {
      // Only this user's agent is believed: another's could hand over a key of its choosing.
      if (!SessionSocket.currentUser()
          .equals(channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user())) {
        return Optional.empty();
      }
      DataOutputStream requestOut =
          new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
      requestOut.writeByte(SessionProtocol.VERSION);
      requestOut.writeByte(request);
      body.write(requestOut);
      requestOut.flush();
      DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
      SessionProtocol.Answer answer = SessionProtocol.Answer.readFrom(in);
      if (untimedAnswer) {
        deadline.cancel();
      }
      return reading.read(answer, in);
    } catch (IOException e) {
      return Optional.empty();
    } finally {
      deadline.cancel();
    }
  }

  /** Removes a socket no agent listens on any more (it was killed, or the machine restarted). */
  private void removeStale() {
    try {
      if (Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isOther()) {
        Files.deleteIfExists(socket);
      }
    } catch (IOException ignored) {
      // Left for the next command to try; it is harmless, being dead.
    }
  }
}
