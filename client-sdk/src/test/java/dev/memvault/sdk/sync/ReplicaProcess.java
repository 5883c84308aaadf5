package dev.memvault.sdk.sync;

import dev.memvault.server.ServerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code memvault-server} replica in a child JVM on a shared PostgreSQL database, started as
 * the README says (one secret, one identity), on a free port of 127.0.0.1.
 */
final class ReplicaProcess implements AutoCloseable {
  static final String SECRET_ENV = "MEMVAULT_SERVER_SECRET";
  static final String SERVER_ID = "sync.replicas.test:7443";
  private static final Pattern LISTENING =
      Pattern.compile("memvault sync server listening on 127\\.0\\.0\\.1:(\\d+) .*");

  private final Process process;
  private final int port;

  private ReplicaProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a replica on {@code jdbcUrl} and waits for its listening line. */
  static ReplicaProcess start(String jdbcUrl, String secretHex, Path log) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ServerMain.class.getName(),
                "--postgres",
                jdbcUrl,
                "--postgres-user",
                "postgres",
                "--listen",
                "127.0.0.1:0",
                "--server-id",
                SERVER_ID));
    builder.environment().put(SECRET_ENV, secretHex);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    // Port 0, then the port it says it bound: no other process can take it in between.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean exited = !process.isAlive();
      for (String line : Files.readAllLines(log)) {
        Matcher listening = LISTENING.matcher(line);
        if (listening.matches()) {
          return new ReplicaProcess(process, Integer.parseInt(listening.group(1)));
        }
      }
      if (exited) {
        throw new AssertionError("the replica exited: " + Files.readString(log));
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    process.destroyForcibly();
    throw new AssertionError("the replica did not say it was listening: " + Files.readString(log));
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** SIGKILL: no shutdown hook, no graceful end of calls, no clean close of its pool. */
  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the replica outlived SIGKILL");
    }
  }

  /** SIGTERM, then SIGKILL if the graceful shutdown does not end within 30 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.toHandle().destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.toHandle().destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.toHandle().destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
