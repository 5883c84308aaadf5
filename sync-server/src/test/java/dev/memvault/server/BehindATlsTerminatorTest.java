package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.LogChain;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Behind a load balancer or TLS terminator", as it says it: two server processes on
 * one PostgreSQL started with its flags ({@code --insecure} on a non-loopback address, one {@code
 * --server-id}), checked with the standard gRPC health client, and, where nginx is installed, the
 * nginx configuration the repository ships ({@code sync-server/dist/nginx}) in front of both, TLS
 * ending there.
 */
class BehindATlsTerminatorTest {
  /** The name devices use: the terminator's, not a replica's address. */
  private static final String SERVER_ID = "sync.example.com:443";

  private static final Path NGINX_CONF = Path.of("dist", "nginx", "memvault-sync.conf");

  @TempDir Path temp;

  private EmbeddedPostgres postgres;
  private final List<ServerProcess> replicas = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Process nginx;

  @BeforeEach
  void startReplicas() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    Map<String, String> env = Map.of(ServerMain.SECRET_ENV, "5e".repeat(32));
    // The README's flags for a replica behind a terminator.
    List<String> flags =
        List.of(
            "--postgres",
            postgres.getJdbcUrl("postgres", "postgres"),
            "--postgres-user",
            "postgres",
            "--insecure",
            "--server-id",
            SERVER_ID);
    for (String name : List.of("a", "b")) {
      replicas.add(ServerProcess.start(temp.resolve(name + ".log"), env, "0.0.0.0:0", flags));
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
    for (ServerProcess replica : replicas) {
      replica.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    postgres.close();
  }

  @Test
  void replicas_readmeFlags_healthServingAndOneIdentityOnEach() throws Exception {
    for (ServerProcess replica : replicas) {
      assertEquals(
          "memvault sync server "
              + ServerMain.VERSION
              + ": identity '"
              + SERVER_ID
              + "' (devices pin it), no TLS (--insecure: TLS ends in front)",
          replica.nextLine(30));
      ManagedChannel direct = channel(replica.port, InsecureChannelCredentials.create());
      assertServing(direct);
      assertEquals(SERVER_ID, serverId(direct));
    }

    // A replica taken out (SIGTERM) stops cleanly; the other one goes on serving.
    ServerProcess leaving = replicas.get(0);
    leaving.terminate();
    assertEquals(ServerMain.STOPPED, leaving.nextLine(30));
    assertTrue(leaving.process.waitFor(30, TimeUnit.SECONDS));
    assertServing(channel(replicas.get(1).port, InsecureChannelCredentials.create()));
  }

  @Test
  void nginx_shippedConfig_endsTlsAndSpreadsCallsOverBothReplicas() throws Exception {
    Path cert = temp.resolve("fullchain.pem");
    Path key = temp.resolve("privkey.pem");
    assumeTrue(installed("nginx"), "nginx is not installed");
    assumeTrue(
        TcpServerTest.selfSignedCertificate(cert, key), "openssl is needed for a certificate");
    int port = startNginx(cert, key);
    ManagedChannel terminated =
        channel(port, TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build());

    // What a load balancer's health check and a device see through the terminator.
    assertServing(terminated);
    assertEquals(SERVER_ID, serverId(terminated));

    TestDevice device = TestDevice.newVault();
    String token = device.register(AuthServiceGrpc.newBlockingStub(terminated));
    WatchStream watch =
        WatchStream.open(ServerFixture.withToken(SyncServiceGrpc.newStub(terminated), token), 0);
    SyncServiceGrpc.SyncServiceBlockingStub sync =
        ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(terminated), token);
    // Pushes one after another: nginx sends each call to the next replica in turn.
    for (long n = 1; n <= 4; n++) {
      sync.push(PushRequest.newBuilder().addAllChanges(device.changes(n, n)).build());
    }
    // A request body over nginx's default limit of 1 MiB passes (client_max_body_size 0).
    List<Change> large = new ArrayList<>();
    for (long n = 5; n <= 7; n++) {
      large.add(device.unsigned(n, new byte[500 * 1024]));
    }
    sync.push(PushRequest.newBuilder().addAllChanges(device.signedBatch(large)).build());

    List<LogEntry> watched = watch.next(7, 1);
    LogChain.verifyExtends(LogChain.emptyHead(), watched, device.vaultId);
    watch.cancel();
    for (ServerProcess replica : replicas) {
      Matcher pushes = Pattern.compile("\nmemvault_pushes_total (\\d+)\n").matcher(scrape(replica));
      assertTrue(pushes.find() && Long.parseLong(pushes.group(1)) > 0, "a replica got no push");
    }
  }

  /**
   * Starts nginx with the shipped configuration, its example addresses, port and certificate paths
   * replaced by this test's; returns the port it listens on.
   */
  private int startNginx(Path cert, Path key) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort(); // nginx cannot report a port it chose itself
    }
    String site =
        replace(
            Files.readString(NGINX_CONF),
            Map.of(
                "server 10.0.0.11:7443;", "server 127.0.0.1:" + replicas.get(0).port + ";",
                "server 10.0.0.12:7443;", "server 127.0.0.1:" + replicas.get(1).port + ";",
                "listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;",
                "/etc/memvault/tls/fullchain.pem", cert.toString(),
                "/etc/memvault/tls/privkey.pem", key.toString()));
    Files.writeString(temp.resolve("memvault-sync.conf"), site);
    // What /etc/nginx/nginx.conf holds around conf.d/, cut down to a process of this test.
    Files.writeString(
        temp.resolve("nginx.conf"),
        String.join(
            "\n",
            "daemon off;",
            "worker_processes 1;",
            "pid " + temp.resolve("nginx.pid") + ";",
            "error_log " + temp.resolve("nginx-error.log") + " warn;",
            "events {}",
            "http {",
            "    access_log off;",
            "    include " + temp.resolve("memvault-sync.conf") + ";",
            "}",
            ""));
    nginx =
        new ProcessBuilder(
                "nginx",
                "-p",
                temp.toString(),
                "-e",
                temp.resolve("nginx-error.log").toString(),
                "-c",
                temp.resolve("nginx.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("nginx.out").toFile())
            .start();
    return port;
  }

  /** {@code text} with each key replaced by its value; each key must be there exactly once. */
  private static String replace(String text, Map<String, String> replacements) {
    for (Map.Entry<String, String> replacement : replacements.entrySet()) {
      String from = replacement.getKey();
      assertEquals(
          text.indexOf(from), text.lastIndexOf(from), "'" + from + "' more than once in the conf");
      assertTrue(text.contains(from), "the shipped nginx configuration has no '" + from + "'");
      text = text.replace(from, replacement.getValue());
    }
    return text;
  }

  /**
   * SERVING for the whole server and each service, waiting for the server to accept connections
   * (nginx just started, say) up to the deadline.
   */
  private static void assertServing(ManagedChannel channel) {
    HealthGrpc.HealthBlockingStub health =
        HealthGrpc.newBlockingStub(channel)
            .withWaitForReady()
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    for (String service : SyncServer.HEALTH_NAMES) {
      assertEquals(
          ServingStatus.SERVING,
          health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus(),
          service);
    }
  }

  private static String serverId(ManagedChannel channel) {
    return AuthServiceGrpc.newBlockingStub(channel)
        .getChallenge(
            GetChallengeRequest.newBuilder()
                .setVaultId(ByteString.copyFrom(new byte[16]))
                .setDeviceId(ByteString.copyFrom(new byte[16]))
                .build())
        .getServerId();
  }

  private ManagedChannel channel(int port, ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
    channels.add(channel);
    return channel;
  }

  private static String scrape(ServerProcess replica) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + replica.metricsPort + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static boolean installed(String program) throws InterruptedException {
    try {
      return new ProcessBuilder(program, "-v")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    }
  }
}
