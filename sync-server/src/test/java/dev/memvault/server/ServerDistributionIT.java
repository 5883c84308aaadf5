package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
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
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server distribution ({@code -Pdist}) as an operator installs it: unpacked into an empty
 * directory and started through its script with no Java on the PATH and no JAVA_HOME, so that only
 * its own trimmed runtime can run it; on the embedded store over TLS and on PostgreSQL, a device
 * pushes and pulls, and SIGTERM stops it cleanly. Its systemd unit runs as its own user and holds
 * no secret.
 */
class ServerDistributionIT {
  /** The tools the start script calls besides /bin/sh; nothing else is on its PATH. */
  private static final List<String> SCRIPT_TOOLS = List.of("readlink", "dirname");

  @TempDir Path temp;

  private Path home;
  private Path path;
  private final List<ServerProcess> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void install() throws Exception {
    Path archive = Path.of(System.getProperty("memvault.dist.archive", "missing"));
    assertTrue(Files.isRegularFile(archive), "no distribution at " + archive + ": build -Pdist");
    Path opt = Files.createDirectory(temp.resolve("opt"));
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", opt.toString())
            .inheritIO()
            .start();
    assertTrue(tar.waitFor(120, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar failed");
    home = opt.resolve("memvault-server");
    path = Files.createDirectory(temp.resolve("path"));
    for (String tool : SCRIPT_TOOLS) {
      Files.createSymbolicLink(path.resolve(tool), onPath(tool));
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (ServerProcess server : servers) {
      server.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void installed_embeddedStoreOverTls_servesOnItsOwnRuntimeAndStopsOnSigterm() throws Exception {
    Path cert = temp.resolve("cert.pem");
    Path key = temp.resolve("key.pem");
    assumeTrue(
        TcpServerTest.selfSignedCertificate(cert, key), "openssl is needed for a certificate");
    ServerProcess server =
        start(
            "embedded",
            Map.of(),
            "--data",
            temp.resolve("data").toString(),
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString());
    assertEquals(
        "memvault sync server "
            + ServerMain.VERSION
            + ": identity '127.0.0.1:0' (devices pin it), TLS",
        server.nextLine(30));

    pushAndPull(
        channel(server, TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build()));

    stop(server);
  }

  @Test
  void installed_postgresStore_servesOnItsOwnRuntimeAndStopsOnSigterm() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      ServerProcess server =
          start(
              "postgres",
              Map.of(ServerMain.SECRET_ENV, "3c".repeat(32)),
              "--postgres",
              postgres.getJdbcUrl("postgres", "postgres"),
              "--postgres-user",
              "postgres");
      assertEquals("PostgreSQL store", server.storeDescription);
      assertTrue(server.nextLine(30).endsWith("(devices pin it), no TLS (loopback)"));

      pushAndPull(channel(server, InsecureChannelCredentials.create()));

      stop(server);
    }
  }

  @Test
  void systemdUnit_runsTheInstalledScriptAsItsOwnUserAndHoldsNoSecret() throws Exception {
    Path unit = home.resolve("systemd").resolve("memvault-server.service");
    List<String> settings =
        Files.readAllLines(unit).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();

    assertTrue(settings.contains("User=memvault"), settings.toString());
    assertTrue(settings.contains("SuccessExitStatus=143"), "SIGTERM's exit is a clean stop");
    assertTrue(
        settings.stream()
            .anyMatch(l -> l.startsWith("ExecStart=/opt/memvault-server/bin/memvault-server ")),
        "the path the archive unpacks to under /opt");
    for (String setting : settings) {
      assertFalse(
          setting.startsWith("Environment=")
              || Pattern.compile("[0-9a-fA-F]{32}").matcher(setting).find(),
          "a secret in the unit: " + setting);
    }
    assertTrue(Files.isExecutable(home.resolve("bin").resolve("memvault-server")));
  }

  @Test
  void systemdUnit_installedHere_verifiedBySystemdWithoutAWarning() throws Exception {
    String unit =
        Files.readString(home.resolve("systemd").resolve("memvault-server.service"))
            .replace("/opt/memvault-server/", home + "/");
    Path copy = Files.writeString(temp.resolve("memvault-server.service"), unit);
    Process verify;
    try {
      verify =
          new ProcessBuilder("systemd-analyze", "verify", copy.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      assumeTrue(false, "systemd-analyze is not installed");
      return;
    }
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
    // Unknown settings are only warned about: the output must be empty too.
    assertEquals(0, verify.exitValue(), output);
    assertEquals("", output.strip());
  }

  /**
   * The distribution's script in an environment of nothing but {@code env}, HOME and a PATH that
   * holds only the tools the script calls: no java, no JAVA_HOME.
   */
  private ServerProcess start(String name, Map<String, String> env, String... args)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                home.resolve("bin").resolve("memvault-server").toString(),
                "--listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile());
    withoutJava(builder.environment()).putAll(env);
    // The shell's 127: command not found.
    ProcessBuilder probe =
        new ProcessBuilder("/bin/sh", "-c", "java -version").redirectErrorStream(true);
    withoutJava(probe.environment());
    Process java = probe.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertEquals(127, java.waitFor(), "java is reachable from the script's environment");
    ServerProcess server = ServerProcess.launch(temp.resolve(name + ".log"), builder);
    servers.add(server);
    return server;
  }

  private Map<String, String> withoutJava(Map<String, String> environment) {
    environment.clear();
    environment.put("PATH", path.toString());
    environment.put("HOME", temp.toString());
    return environment;
  }

  private static void stop(ServerProcess server) throws Exception {
    server.terminate();
    assertEquals(ServerMain.STOPPED, server.nextLine(30));
    assertTrue(server.process.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM");
    assertEquals(128 + 15, server.process.exitValue());
  }

  /** Health, then a device registering, pushing and pulling back a chain that verifies. */
  private static void pushAndPull(ManagedChannel channel) throws Exception {
    assertEquals(
        ServingStatus.SERVING,
        HealthGrpc.newBlockingStub(channel)
            .check(HealthCheckRequest.getDefaultInstance())
            .getStatus());
    TestDevice device = TestDevice.newVault();
    String token = device.register(AuthServiceGrpc.newBlockingStub(channel));
    SyncServiceGrpc.SyncServiceBlockingStub sync =
        ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel), token);
    List<LogEntry> pushed =
        sync.push(PushRequest.newBuilder().addAllChanges(device.changes(1, 5)).build())
            .getEntriesList();
    List<LogEntry> pulled = new ArrayList<>();
    sync.pull(PullRequest.newBuilder().build())
        .forEachRemaining(page -> pulled.addAll(page.getEntriesList()));
    assertEquals(pushed, pulled);
    LogChain.verifyExtends(LogChain.emptyHead(), pulled, device.vaultId);
  }

  private ManagedChannel channel(ServerProcess server, ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", server.port, credentials).build();
    channels.add(channel);
    return channel;
  }

  /** Where {@code tool} is on this machine's PATH. */
  private static Path onPath(String tool) throws IOException {
    for (String directory : System.getenv("PATH").split(File.pathSeparator)) {
      Path candidate = Path.of(directory, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IOException(tool + " is not on the PATH");
  }
}
