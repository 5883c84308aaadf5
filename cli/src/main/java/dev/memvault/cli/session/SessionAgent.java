package dev.memvault.cli.session;

import dev.memvault.core.vault.SessionKey;
import java.io.BufferedOutputStream;
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
import java.util.concurrent.Semaphore;
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

  private final CommandRunner commands;

  /** One command at a time: the vault is opened by each, and commands are rare and short. */
  private final Semaphore commandSlot = new Semaphore(1);

  private ServerSocketChannel server;
  private Object socketFileKey;

  /**
   * @param owner the only user whose processes are answered: this process's own user
   * @param pid this agent's process id, told to whoever asks for its status
   */
  SessionAgent(
      Path socket, SessionKey key, Instant expiresAt, Clock clock, UserPrincipal owner, long pid) {
    this(socket, key, expiresAt, clock, owner, pid, null);
  }

  /**
   * @param commands runs read-only commands for this user's processes ({@link
   *     SessionProtocol#RUN}), so that they skip a cold start; null to decline every one
   */
  SessionAgent(
      Path socket,
      SessionKey key,
      Instant expiresAt,
      Clock clock,
      UserPrincipal owner,
      long pid,
      CommandRunner commands) {
    this.socket = socket;
    this.key = key;
    this.expiresAt = expiresAt;
    this.clock = clock;
    this.owner = owner;
    this.pid = pid;
    this.commands = commands;
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
    boolean handedOver = false;
    try {
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
      } else if (request == SessionProtocol.RUN) {
        CommandRequest command = CommandRequest.readFrom(in);
        if (commands == null
            || !Path.of(command.vaultDirectory()).equals(socket.getParent())
            || !commandSlot.tryAcquire()) {
          send(peer, SessionProtocol.DECLINED, false);
          return;
        }
        send(peer, SessionProtocol.UNLOCKED, false);
        deadline.cancel();
        // Its own thread: the command asks this agent for the key like any other process.
        Thread runner = new Thread(() -> run(peer, command), "memvault-session-command");
        runner.setDaemon(true);
        runner.start();
        handedOver = true;
      }
    } catch (IOException e) {
      // A peer that hung up, sent garbage or ran out of time: nothing to answer.
    } finally {
      deadline.cancel();
      if (!handedOver) {
        closeQuietly(peer);
      }
    }
  }

  /** Runs a command for a peer and streams its output back; the peer's socket is closed after. */
  private void run(SocketChannel peer, CommandRequest command) {
    try (peer;
        DataOutputStream frames =
            new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(peer)))) {
      int code =
          commands.run(
              socket.getParent(),
              command.args(),
              command.environment(),
              command.terminal(),
              new FrameStream(frames, SessionProtocol.OUT),
              new FrameStream(frames, SessionProtocol.ERR));
      synchronized (frames) {
        frames.writeByte(SessionProtocol.EXIT);
        frames.writeInt(code);
        frames.flush();
      }
    } catch (IOException | RuntimeException e) {
      // The peer went away, or the command failed past its own handling: the peer sees no exit
      // frame and says so.
    } finally {
      commandSlot.release();
    }
  }

  private static void closeQuietly(SocketChannel peer) {
    try {
      peer.close();
    } catch (IOException ignored) {
      // Closed is what was wanted.
    }
  }

  /** One of a command's output streams, written to the peer as frames of its tag. */
  private static final class FrameStream extends OutputStream {
    private final DataOutputStream frames;
    private final byte tag;

    FrameStream(DataOutputStream frames, byte tag) {
      this.frames = frames;
      this.tag = tag;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (length == 0) {
        return;
      }
      synchronized (frames) {
        frames.writeByte(tag);
        frames.writeInt(length);
        frames.write(bytes, offset, length);
      }
    }

    @Override
    public void flush() throws IOException {
      synchronized (frames) {
        frames.flush();
      }
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
