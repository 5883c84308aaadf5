package dev.memvault.cli.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.vault.SessionKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session agent in this process, on a real Unix socket, with a clock the test moves: it hands
 * the key to its own user only, ends (key zeroed, socket removed) when locked or at the first
 * request after its expiry, and a command finds a dead agent's socket and removes it.
 */
class SessionAgentTest {
  private static final Instant START = Instant.parse("2026-12-08T09:00:00Z");
  private static final Duration LENGTH = Duration.ofMinutes(15);

  @TempDir Path vault;

  private final MovableClock clock = new MovableClock(START);
  private final byte[] keyBytes = new byte[SessionKey.BYTES];
  private SessionKey key;
  private SessionAgent agent;
  private Thread serving;

  @AfterEach
  void endAgent() throws InterruptedException {
    if (agent != null) {
      agent.end();
      serving.join(Duration.ofSeconds(10).toMillis());
    }
  }

  /** The commands the agent ran, with the directory it ran each on. */
  private final List<String> ran = new CopyOnWriteArrayList<>();

  /** Prints its arguments on out, "warning" on err, and exits with 3. */
  private final CommandRunner echo =
      (directory, args, environment, terminal, out, err) -> {
        ran.add(directory + " " + String.join(" ", args) + " terminal=" + terminal);
        try {
          out.write(String.join(" ", args).getBytes(StandardCharsets.UTF_8));
          err.write("warning".getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return 3;
      };

  private void startAgent(UserPrincipal owner) throws Exception {
    new SecureRandom().nextBytes(keyBytes);
    key = SessionKey.readFrom(new ByteArrayInputStream(keyBytes.clone()));
    agent =
        new SessionAgent(
            SessionSocket.of(vault), key, START.plus(LENGTH), clock, owner, 4242, echo);
    agent.bind();
    serving = new Thread(agent::serve, "test-session-agent");
    serving.start();
  }

  private static byte[] bytesOf(SessionKey key) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    key.writeTo(out);
    return out.toByteArray();
  }

  @Test
  void key_ownUserBeforeExpiry_handedOver() throws Exception {
    startAgent(SessionSocket.currentUser());
    SessionClient client = SessionClient.forVault(vault);

    SessionKey received = client.key().orElseThrow();

    assertArrayEquals(keyBytes, bytesOf(received));
    SessionClient.Status status = client.status().orElseThrow();
    assertEquals(START.plus(LENGTH), status.expiresAt());
    assertEquals(4242, status.agentPid());
  }

  @Test
  void run_ownUser_commandRunsInTheAgentItsOutputAndExitCodeRelayed() throws Exception {
    startAgent(SessionSocket.currentUser());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    Optional<Integer> code =
        SessionClient.forVault(vault)
            .run(vault, List.of("search", "ferry"), Map.of(), true, out, err);

    assertEquals(Optional.of(3), code);
    assertEquals("search ferry", out.toString(StandardCharsets.UTF_8));
    assertEquals("warning", err.toString(StandardCharsets.UTF_8));
    assertEquals(List.of(vault.toAbsolutePath().normalize() + " search ferry terminal=true"), ran);
  }

  @Test
  void run_processOfAnotherUser_refusedAndNothingRun() throws Exception {
    UserPrincipal self = SessionSocket.currentUser();
    startAgent(
        FileSystems.getDefault()
            .getUserPrincipalLookupService()
            .lookupPrincipalByName(self.getName().equals("root") ? "nobody" : "root"));

    Optional<Integer> code =
        SessionClient.forVault(vault)
            .run(
                vault,
                List.of("list"),
                Map.of(),
                false,
                new ByteArrayOutputStream(),
                new ByteArrayOutputStream());

    assertEquals(Optional.empty(), code, "the command runs in its own process instead");
    assertEquals(List.of(), ran);
  }

  @Test
  void run_commandForAnotherVault_declinedAndNothingRun() throws Exception {
    startAgent(SessionSocket.currentUser());
    Path otherVault = Files.createDirectories(vault.resolve("elsewhere"));

    // This agent's socket, asked to run a command on another directory's vault.
    SessionClient client = SessionClient.forVault(vault);
    Optional<Integer> code =
        client.run(
            otherVault,
            List.of("list"),
            Map.of(),
            false,
            new ByteArrayOutputStream(),
            new ByteArrayOutputStream());

    assertEquals(Optional.empty(), code);
    assertEquals(List.of(), ran);
    assertTrue(client.status().isPresent(), "the agent serves on");
  }

  @Test
  void socket_ownerOnly() throws Exception {
    startAgent(SessionSocket.currentUser());

    Path socket = SessionSocket.of(vault);
    assertEquals(
        PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(socket));
  }

  @Test
  void key_requestAfterExpiry_lockedKeyZeroedSocketRemoved() throws Exception {
    startAgent(SessionSocket.currentUser());
    SessionClient client = SessionClient.forVault(vault);
    clock.set(START.plus(LENGTH).minusMillis(1));
    assertTrue(client.key().isPresent(), "a millisecond before expiry it is still unlocked");

    clock.set(START.plus(LENGTH));

    assertTrue(client.key().isEmpty());
    assertTrue(agent.awaitEnd(Duration.ofSeconds(10)));
    assertTrue(key.isDestroyed());
    assertFalse(Files.exists(SessionSocket.of(vault), LinkOption.NOFOLLOW_LINKS));
    serving.join(Duration.ofSeconds(10).toMillis());
    assertFalse(serving.isAlive(), "serve() returns once the session ended");
  }

  @Test
  void lock_running_endsZeroesKeyAndRemovesSocketBeforeAnswering() throws Exception {
    startAgent(SessionSocket.currentUser());
    SessionClient client = SessionClient.forVault(vault);

    assertTrue(client.lock());

    // The answer came after the end: nothing to wait for.
    assertTrue(key.isDestroyed());
    assertFalse(Files.exists(SessionSocket.of(vault), LinkOption.NOFOLLOW_LINKS));
    assertTrue(client.key().isEmpty());
    assertFalse(client.lock(), "a second lock finds nothing to lock");
  }

  @Test
  void key_processOfAnotherUser_refusedAndNothingSent() throws Exception {
    // The test cannot run as another user without privileges it should not need; instead the agent
    // is told its user is another one, so that this process is the other user's.
    UserPrincipal self = SessionSocket.currentUser();
    UserPrincipal other =
        FileSystems.getDefault()
            .getUserPrincipalLookupService()
            .lookupPrincipalByName(self.getName().equals("root") ? "nobody" : "root");
    assertNotEquals(self, other);
    startAgent(other);

    try (SocketChannel channel =
        SocketChannel.open(UnixDomainSocketAddress.of(SessionSocket.of(vault)))) {
      channel.write(ByteBuffer.wrap(new byte[] {SessionProtocol.VERSION, SessionProtocol.KEY}));
      DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
      SessionProtocol.Answer answer = SessionProtocol.Answer.readFrom(in);

      assertEquals(SessionProtocol.REFUSED, answer.state());
      assertEquals(-1, in.read(), "no key follows a refusal");
    }
    assertTrue(SessionClient.forVault(vault).key().isEmpty());
    assertFalse(key.isDestroyed(), "a refused request does not end the owner's session");
  }

  @Test
  void key_silentPeerConnectedFirst_answeredOnceItIsDropped() throws Exception {
    startAgent(SessionSocket.currentUser());
    try (SocketChannel silent =
        SocketChannel.open(UnixDomainSocketAddress.of(SessionSocket.of(vault)))) {
      // The agent answers one peer at a time; this one says nothing, and is dropped at the
      // exchange deadline rather than holding the agent for good.
      SessionKey received = SessionClient.forVault(vault).key().orElseThrow();

      assertArrayEquals(keyBytes, bytesOf(received));
      assertEquals(-1, silent.read(ByteBuffer.allocate(1)), "the silent peer was disconnected");
    }
  }

  @Test
  void key_socketOfADeadAgent_emptyAndSocketRemoved() throws Exception {
    Path socket = SessionSocket.of(vault);
    // A socket file nobody listens on, as a killed agent leaves behind.
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));

    assertTrue(SessionClient.forVault(vault).key().isEmpty());

    assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void key_noAgent_empty() {
    assertTrue(SessionClient.forVault(vault).key().isEmpty());
    assertTrue(SessionClient.forVault(vault).status().isEmpty());
    assertFalse(SessionClient.forVault(vault).lock());
  }

  @Test
  void bind_anotherAgentsSocketThere_refusedAndItsSocketKept() throws Exception {
    startAgent(SessionSocket.currentUser());
    SessionAgent second =
        new SessionAgent(
            SessionSocket.of(vault),
            SessionKey.readFrom(new ByteArrayInputStream(new byte[SessionKey.BYTES])),
            START.plus(LENGTH),
            clock,
            SessionSocket.currentUser(),
            4343);

    java.io.IOException refused =
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, second::bind);

    assertTrue(refused.getMessage().contains("another session agent"), refused.getMessage());
    assertEquals(4242, SessionClient.forVault(vault).status().orElseThrow().agentPid());
  }

  /** A clock the test sets. */
  private static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    MovableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
