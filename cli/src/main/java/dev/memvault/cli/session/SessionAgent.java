package dev.memvault.cli.session;

import dev.memvault.core.vault.SessionKey;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;

/**
 * Keeps one vault unlocked: holds its {@link SessionKey} in memory and hands it over the vault's
 * socket to processes of the same user (checked with {@code SO_PEERCRED}; any other user is
 * refused) until the session expires or is locked. Then it zeroes the key, removes its socket and
 * {@link #serve()} returns. The key never touches a file, and the passphrase is never held.
 *
 * <p>Expiry follows the wall clock: every request checks it, and a timer wakes at least once a
 * minute, so a machine that slept past the expiry does not keep the vault unlocked.
 */
final class SessionAgent {
  /** Longest the expiry timer sleeps before looking at the wall clock again. */
  private static final long RECHECK_MILLIS = TimeUnit.MINUTES.toMillis(1);

  private static final int ANSWER_BYTES = 1 + Long.BYTES + Long.BYTES;

  private final Path socket;
  private final SessionKey key;
  private final Instant expiresAt;
  private final Clock clock;
  private final UserPrincipal owner;
  private final long pid;
  private final CountDownLatch ended = new CountDownLatch(1);

  /**
   * Where an answer with the key is put together: off the Java heap, written to the socket without
   * a copy and zeroed after each answer.
   */
  private final ByteBuffer wire = ByteBuffer.allocateDirect(ANSWER_BYTES + SessionKey.BYTES);

  private ServerSocketChannel server;
  private Object socketFileKey;

  /**
   * @param owner the only user whose processes are answered: this process's own user
   * @param pid this agent's process id, told to whoever asks for its status
   */
  SessionAgent(
      Path socket, SessionKey key, Instant expiresAt, Clock clock, UserPrincipal owner, long pid) {
    this.socket = socket;
    this.key = key;
    this.expiresAt = expiresAt;
    this.clock = clock;
    this.owner = owner;
    this.pid = pid;
  }

  /**
   * Listens on the socket, made readable and writable by its owner only.
   *
   * @throws IOException if the socket cannot be made (another agent's is there, the path is too
   *     long for a socket); the key is not touched, the caller destroys it
   */
  void bind() throws IOException {
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("another session agent listens at " + socket);
    }
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      socketFileKey =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
    } catch (IOException | RuntimeException e) {
      server.close();
      Files.deleteIfExists(socket);
      throw e;
    }
  }

  /** Answers requests until the session expires or is locked; then the key is zeroed. */
  void serve() {
    Thread timer = new Thread(this::endAtExpiry, "memvault-session-expiry");
    timer.setDaemon(true);
    timer.start();
    try {
      while (ended.getCount() > 0) {
        SocketChannel peer;
        try {
          peer = server.accept();
        } catch (IOException e) {
          // end() closed the server, or the socket broke: the session is over either way.
          break;
        }
        answer(peer);
      }
    } finally {
      end();
    }
  }

  /** Ends the session now: zeroes the key, stops listening and removes the socket. Idempotent. */
  synchronized void end() {
    if (ended.getCount() == 0) {
      return;
    }
    key.destroy();
    ended.countDown();
    try {
      server.close();
    } catch (IOException ignored) {
      // Not listening any more is what was wanted.
    }
    removeOwnSocket();
  }

  /** Waits for the session to end, for at most {@code timeout}; whether it has ended. */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private boolean expired() {
    return !clock.instant().isBefore(expiresAt);
  }

  private void endAtExpiry() {
    try {
      while (!expired()) {
        long left = Duration.between(clock.instant(), expiresAt).toMillis();
        if (ended.await(Math.max(1, Math.min(left, RECHECK_MILLIS)), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    end();
  }

  private void answer(SocketChannel peer) {
    SessionSocket.Deadline deadline = SessionSocket.deadline(peer, SessionSocket.AGENT_EXCHANGE);
    try (peer) {
      // The two request bytes are read before the answer, even a refusal, so that closing leaves
      // nothing unread and the peer sees the answer rather than a reset.
      DataInputStream in = new DataInputStream(Channels.newInputStream(peer));
      byte version = in.readByte();
      byte request = in.readByte();
      if (!owner.equals(peer.getOption(ExtendedSocketOptions.SO_PEERCRED).user())) {
        send(peer, SessionProtocol.REFUSED, false);
        return;
      }
      if (version != SessionProtocol.VERSION) {
        return;
      }
      if (expired() || request == SessionProtocol.LOCK) {
        // Ended before answering, so that whoever asked to lock finds the socket gone.
        end();
        send(peer, SessionProtocol.LOCKED, false);
      } else if (request == SessionProtocol.KEY) {
        send(peer, SessionProtocol.UNLOCKED, true);
      } else if (request == SessionProtocol.STATUS) {
        send(peer, SessionProtocol.UNLOCKED, false);
      }
    } catch (IOException e) {
      // A peer that hung up, sent garbage or ran out of time: nothing to answer.
    } finally {
      deadline.cancel();
    }
  }

  private synchronized void send(SocketChannel peer, byte state, boolean withKey)
      throws IOException {
    wire.clear();
    try {
      OutputStream into =
          new OutputStream() {
            @Override
            public void write(int b) {
              wire.put((byte) b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
              wire.put(bytes, offset, length);
            }
          };
      new SessionProtocol.Answer(state, expiresAt, pid).writeTo(new DataOutputStream(into));
      if (withKey && ended.getCount() > 0) {
        key.writeTo(into);
      }
      wire.flip();
      while (wire.hasRemaining()) {
        peer.write(wire);
      }
    } finally {
      wire.clear();
      while (wire.hasRemaining()) {
        wire.put((byte) 0);
      }
    }
  }

  /** Removes the socket file unless it is no longer this agent's (a newer agent's is there). */
  private void removeOwnSocket() {
    try {
      Object now =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      if (Objects.equals(now, socketFileKey)) {
        Files.deleteIfExists(socket);
      }
    } catch (IOException ignored) {
      // Already gone, or the vault directory moved: nothing of ours is left to remove.
    }
  }
}
