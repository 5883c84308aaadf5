package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.LogChain;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process, as an operator runs it: started with {@code --data}, used over TCP,
 * scraped for metrics, killed with SIGKILL in the middle of pushes, restarted on the same data:
 * every entry it acknowledged is there, in a chain that verifies, and sessions survive the restart
 * because the secret is kept in the data directory.
 */
class ServerMainEndToEndTest {
  @TempDir Path temp;

  private final List<ServerProcess> processes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (ServerProcess process : processes) {
      process.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void serverMain_pushPullScrapeKillRestart_everyAcknowledgedEntrySurvives() throws Exception {
    Path data = temp.resolve("data");
    ServerProcess server = ServerProcess.start(temp.resolve("first.log"), Map.of(), embedded(data));
    processes.add(server);
    assertEquals("embedded store at " + data.toAbsolutePath().normalize(), server.storeDescription);
    // What opening did to the store's schema, said before the listening line.
    assertTrue(
        server.earlierLines.stream()
            .anyMatch(l -> l.matches("memvault sync server store: schema version \\d+, created")),
        server.earlierLines.toString());
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(data.resolve(ServerMain.SECRET_FILE))));

    TestDevice device = TestDevice.newVault();
    ManagedChannel channel = channel(server.port);
    String token = device.register(AuthServiceGrpc.newBlockingStub(channel));
    SyncServiceGrpc.SyncServiceBlockingStub sync =
        ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel), token);
    PushResponse first =
        sync.push(PushRequest.newBuilder().addAllChanges(device.changes(1, 10)).build());
    assertEquals(first.getEntriesList(), pullAll(sync));

    String metrics = scrape(server.metricsPort);
    assertTrue(metrics.contains("\nmemvault_pushes_total 1\n"), metrics);
    assertTrue(metrics.contains("\nmemvault_changes_accepted_total 10\n"), metrics);
    assertTrue(metrics.contains("\nmemvault_pulls_total 1\n"), metrics);
    assertTrue(metrics.contains("\nmemvault_watch_streams_active 0\n"), metrics);
    Matcher bytes = Pattern.compile("\nmemvault_store_bytes (\\d+)\n").matcher(metrics);
    assertTrue(bytes.find() && Long.parseLong(bytes.group(1)) > 0, metrics);

    // Pushes keep coming while the process is killed; remember what was acknowledged.
    Map<Long, LogEntry> acknowledged = new ConcurrentHashMap<>();
    first.getEntriesList().forEach(entry -> acknowledged.put(entry.getSeq(), entry));
    AtomicBoolean stop = new AtomicBoolean();
    Thread pusher =
        new Thread(
            () -> {
              for (long n = 11; !stop.get(); n += 5) {
                try {
                  sync.push(
                          PushRequest.newBuilder().addAllChanges(device.changes(n, n + 4)).build())
                      .getEntriesList()
                      .forEach(entry -> acknowledged.put(entry.getSeq(), entry));
                } catch (RuntimeException e) {
                  return; // the server is gone
                }
              }
            });
    pusher.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acknowledged.size() < 60 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    server.process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
    assertTrue(server.process.waitFor(10, TimeUnit.SECONDS));
    pusher.join(TimeUnit.SECONDS.toMillis(30));
    stop.set(true);
    assertTrue(acknowledged.size() >= 60, "acknowledged " + acknowledged.size());

    ServerProcess restarted =
        ServerProcess.start(temp.resolve("second.log"), Map.of(), embedded(data));
    processes.add(restarted);
    assertTrue(
        restarted.earlierLines.stream()
            .anyMatch(
                l -> l.matches("memvault sync server store: schema version \\d+, up to date")),
        restarted.earlierLines.toString());
    SyncServiceGrpc.SyncServiceBlockingStub again =
        ServerFixture.withToken(
            SyncServiceGrpc.newBlockingStub(channel(restarted.port)), token); // same secret

    List<LogEntry> all = pullAll(again);
    LogChain.verifyExtends(LogChain.emptyHead(), all, device.vaultId);
    for (LogEntry entry : acknowledged.values()) {
      assertTrue(entry.getSeq() <= all.size(), "entry " + entry.getSeq() + " was lost");
      assertEquals(entry, all.get((int) entry.getSeq() - 1));
    }

    // The operator sees the identity devices pin, and whether TLS is on.
    assertEquals(
        "memvault sync server "
            + ServerMain.VERSION
            + ": identity '127.0.0.1:0' (devices pin it),"
            + " no TLS (loopback)",
        restarted.nextLine(30));

    // SIGTERM: a graceful shutdown, well within its grace period, then the stop line.
    restarted.terminate();
    assertEquals(ServerMain.STOPPED, restarted.nextLine(30));
    assertTrue(restarted.process.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM");
    assertEquals(128 + 15, restarted.process.exitValue());
  }

  @Test
  void serverMain_twoProcessesOnePostgres_watchOnOneSeesPushThroughOther() throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
    try {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      Map<String, String> env =
          Map.of(ServerMain.SECRET_ENV, "00".repeat(31) + "2a", "TEST_PG_PASSWORD", "unused");
      List<String> args =
          List.of(
              "--postgres",
              url,
              "--postgres-user",
              "postgres",
              "--postgres-password-env",
              "TEST_PG_PASSWORD");
      List<String> firstArgs = new ArrayList<>(args);
      firstArgs.addAll(List.of("--server-id", "sync.test.example:7443"));
      ServerProcess first = ServerProcess.start(temp.resolve("a.log"), env, firstArgs);
      processes.add(first);
      // The second replica names no identity: it takes the one the first kept in the store.
      ServerProcess second = ServerProcess.start(temp.resolve("b.log"), env, args);
      processes.add(second);
      assertEquals("PostgreSQL store", first.storeDescription);
      for (ServerProcess replica : List.of(first, second)) {
        assertEquals(
            "sync.test.example:7443",
            AuthServiceGrpc.newBlockingStub(channel(replica.port))
                .getChallenge(
                    GetChallengeRequest.newBuilder()
                        .setVaultId(ByteString.copyFrom(new byte[16]))
                        .setDeviceId(ByteString.copyFrom(new byte[16]))
                        .build())
                .getServerId());
      }

      TestDevice device = TestDevice.newVault();
      String token = device.register(AuthServiceGrpc.newBlockingStub(channel(first.port)));
      WatchStream watch =
          WatchStream.open(
              ServerFixture.withToken(SyncServiceGrpc.newStub(channel(second.port)), token), 0);
      ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel(first.port)), token)
          .push(PushRequest.newBuilder().addAllChanges(device.changes(1, 3)).build());

      LogChain.verifyExtends(LogChain.emptyHead(), watch.next(3, 1), device.vaultId);
      watch.cancel();

      // SIGTERM: the Watch-free process shuts down cleanly, closes its pool, and says so.
      assertEquals(
          "memvault sync server "
              + ServerMain.VERSION
              + ": identity 'sync.test.example:7443' (devices pin it), no TLS (loopback)",
          first.nextLine(30));
      first.terminate();
      assertEquals(ServerMain.STOPPED, first.nextLine(30));
      assertTrue(first.process.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM");
      assertEquals(128 + 15, first.process.exitValue());
    } finally {
      stopEverything();
      processes.clear();
      channels.clear();
      postgres.close();
    }
  }

  /** The flags reach the server: its caps and per-address allowances refuse by their reasons. */
  @Test
  void serverMain_capAndAllowanceFlags_refuseWithTheirReasonsAndShowInMetrics() throws Exception {
    List<String> args = new ArrayList<>(embedded(temp.resolve("data")));
    args.addAll(List.of("--max-vaults", "1", "--registrations-per-hour", "2", "--limit-loopback"));
    ServerProcess server = ServerProcess.start(temp.resolve("server.log"), Map.of(), args);
    processes.add(server);
    AuthServiceGrpc.AuthServiceBlockingStub auth =
        AuthServiceGrpc.newBlockingStub(channel(server.port));
    TestDevice.newVault().register(auth);

    Rejections.assertRejected(ErrorReason.SERVER_FULL, () -> TestDevice.newVault().register(auth));
    Rejections.assertRejected(ErrorReason.RATE_LIMITED, () -> TestDevice.newVault().register(auth));

    String metrics = scrape(server.metricsPort);
    assertTrue(metrics.contains("\nmemvault_vaults 1\n"), metrics);
    assertTrue(metrics.contains("\nmemvault_vaults_max 1\n"), metrics);
    assertTrue(
        metrics.contains("\nmemvault_address_rate_limited_total{call=\"REGISTRATION\"} 1\n"),
        metrics);
    assertTrue(
        metrics.contains("\nmemvault_rejections_total{reason=\"SERVER_FULL\"} 1\n"), metrics);
  }

  private static List<String> embedded(Path data) {
    return List.of("--data", data.toString());
  }

  private ManagedChannel channel(int port) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    channels.add(channel);
    return channel;
  }

  private static List<LogEntry> pullAll(SyncServiceGrpc.SyncServiceBlockingStub sync) {
    List<LogEntry> entries = new ArrayList<>();
    sync.pull(PullRequest.newBuilder().setPageSize(50).build())
        .forEachRemaining(page -> entries.addAll(page.getEntriesList()));
    return entries;
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        response.headers().toString());
    return response.body();
  }
}
