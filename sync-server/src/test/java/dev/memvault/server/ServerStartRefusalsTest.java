package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process refused at start because of its database, as the operator sees it on the
 * process's own output (its logging included): one line saying what is wrong and what to do, exit
 * code 1, no stack trace, nothing served.
 */
class ServerStartRefusalsTest {
  private static final String SECRET = "7f".repeat(32);
  private static final String OTHER_SECRET = "3c".repeat(32);
  private static final String ANOTHER_SECRET =
      "memvault-server: this server's secret is not the one its store was first started with:"
          + " give every server on the store the same "
          + ServerMain.SECRET_ENV
          + " or --secret-file (--rotate-secret to replace it, every other server stopped)";

  @TempDir Path temp;

  @Test
  void postgres_unreachable_oneLineAndExit1() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort(); // free once closed: nothing listens there
    }

    Refusal refusal =
        refusal(
            "--postgres",
            "jdbc:postgresql://127.0.0.1:" + closedPort + "/memvault",
            "--postgres-user",
            "memvault");

    assertEquals(1, refusal.exitCode, refusal.output);
    assertEquals(1, refusal.output.strip().lines().count(), refusal.output);
    assertTrue(
        refusal.output.startsWith(
            "memvault-server: cannot connect to the sync database: Connection to 127.0.0.1:"
                + closedPort
                + " refused. Check that the hostname and port are correct"),
        refusal.output);
  }

  @Test
  void postgres_newerSchemaThanThisServer_oneLineAndExit1() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      List<String> args = List.of("--postgres", url, "--postgres-user", "postgres");
      ServerProcess first = ServerProcess.start(temp.resolve("first.log"), env(), args);
      first.terminate();
      assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
      int newer;
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        try (ResultSet latest =
            statement.executeQuery("SELECT max(version) FROM schema_migrations")) {
          latest.next();
          newer = latest.getInt(1) + 1;
        }
        // What a newer server's first start leaves behind.
        statement.execute("INSERT INTO schema_migrations (version) VALUES (" + newer + ")");
      }

      Refusal refusal = refusal(args.toArray(String[]::new));

      assertEquals(1, refusal.exitCode, refusal.output);
      assertEquals(
          "memvault-server: cannot bring the sync database's schema up to date: the sync"
              + " database has schema version "
              + newer
              + ", newer than this server understands ("
              + (newer - 1)
              + "); run a newer memvault server",
          refusal.output.strip());
    }
  }

  @Test
  void postgres_replicaWithAnotherSecret_oneLineAndExit1WhileTheFirstServes() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      List<String> args = List.of("--postgres", url, "--postgres-user", "postgres");
      ServerProcess first = ServerProcess.start(temp.resolve("first.log"), env(), args);
      try {
        Refusal refusal = refusal(env(OTHER_SECRET), args.toArray(String[]::new));

        assertEquals(1, refusal.exitCode, refusal.output);
        assertEquals(ANOTHER_SECRET, refusal.output.strip());
        assertTrue(first.process.isAlive(), "the first replica keeps serving");
      } finally {
        first.terminate();
        assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void postgres_storeFromBeforeCheckValues_nextStartRecordsItsSecretAndRefusesAnother()
      throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      List<String> args = List.of("--postgres", url, "--postgres-user", "postgres");
      ServerProcess first = ServerProcess.start(temp.resolve("first.log"), env(), args);
      first.terminate();
      assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        // What a deployment from before check values has: no check value kept.
        statement.execute("DELETE FROM server_secret_check");
      }

      ServerProcess upgraded =
          ServerProcess.start(temp.resolve("upgraded.log"), env(OTHER_SECRET), args);
      upgraded.terminate();
      assertTrue(upgraded.process.waitFor(30, TimeUnit.SECONDS));
      Refusal refusal = refusal(env(SECRET), args.toArray(String[]::new));

      assertEquals(1, refusal.exitCode, refusal.output);
      assertEquals(ANOTHER_SECRET, refusal.output.strip());
    }
  }

  @Test
  void embedded_restartWithAnotherSecret_oneLineAndExit1UntilRotated() throws Exception {
    List<String> args = List.of("--data", temp.resolve("data").toString());
    ServerProcess first = ServerProcess.start(temp.resolve("first.log"), env(), args);
    first.terminate();
    assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));

    Refusal refusal = refusal(env(OTHER_SECRET), args.toArray(String[]::new));

    assertEquals(1, refusal.exitCode, refusal.output);
    assertEquals(ANOTHER_SECRET, refusal.output.strip());
    List<String> rotating = new ArrayList<>(args);
    rotating.add("--rotate-secret");
    ServerProcess rotated =
        ServerProcess.start(temp.resolve("rotated.log"), env(OTHER_SECRET), rotating);
    rotated.terminate();
    assertTrue(rotated.process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, refusal(env(SECRET), args.toArray(String[]::new)).exitCode);
  }

  private static java.util.Map<String, String> env() {
    return env(SECRET);
  }

  private static java.util.Map<String, String> env(String secret) {
    return java.util.Map.of(ServerMain.SECRET_ENV, secret);
  }

  /** What a refused start printed, stdout and stderr together, and its exit code. */
  private record Refusal(int exitCode, String output) {}

  private Refusal refusal(String... args) throws Exception {
    return refusal(env(), args);
  }

  private Refusal refusal(java.util.Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ServerMain.class.getName(),
                "--listen",
                "127.0.0.1:0"));
    command.addAll(List.of(args));
    // Into a file, not a pipe read to its end: a start that is wrongly not refused serves on,
    // and the test must fail rather than wait for it.
    Path output = Files.createTempFile(temp, "refusal", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().remove(ServerMain.SECRET_ENV);
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.toHandle().destroyForcibly();
      process.waitFor();
      throw new AssertionError("no exit; printed: " + Files.readString(output));
    }
    return new Refusal(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }
}
