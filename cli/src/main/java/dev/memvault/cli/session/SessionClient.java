package dev.memvault.cli.session;

import dev.memvault.core.vault.SessionKey;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;

/**
 * A command's side of a vault's session: asks the agent, if one runs for that vault, for the key,
 * its status, or to lock. Answers only from an agent of this same user. A socket nobody listens on
 * (the agent died) is removed without a word; every other failure reads as "not unlocked", so that
 * the command asks for the passphrase as it would without a session.
 */
public final class SessionClient {
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

  @FunctionalInterface
  private interface Reading<T> {
    Optional<T> read(SessionProtocol.Answer answer, DataInputStream in) throws IOException;
  }

  private <T> Optional<T> ask(byte request, Reading<T> reading) {
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
      channel.write(ByteBuffer.wrap(new byte[] {SessionProtocol.VERSION, request}));
      DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
      return reading.read(SessionProtocol.Answer.readFrom(in), in);
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
