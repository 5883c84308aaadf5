package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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

  private static java.util.Map<String, String> env() {
    return java.util.Map.of(ServerMain.SECRET_ENV, SECRET);
  }

  /** What a refused start printed, stdout and stderr together, and its exit code. */
  private record Refusal(int exitCode, String output) {}

  private Refusal refusal(String... args) throws Exception {
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
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "no exit; printed: " + output);
    return new Refusal(process.exitValue(), output);
  }
}
