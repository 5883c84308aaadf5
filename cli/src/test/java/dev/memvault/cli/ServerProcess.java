package dev.memvault.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code memvault server --data DIR} as a child process on a free port of 127.0.0.1. */
final class ServerProcess implements AutoCloseable {
  private static final String SERVER_ID = "memvault-cli-test-server";
  private static final Pattern LISTENING =
      Pattern.compile("memvault sync server listening on 127\\.0\\.0\\.1:(\\d+) .*");

  /** Bound by the first start (0 until then), and bound again by every restart. */
  private int port;

  private final Path data;
  private final Path logs;
  private Process process;

  ServerProcess(Path data, Path logs) throws Exception {
    this.data = data;
    this.logs = logs;
    start();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  Path data() {
    return data;
  }

  void start() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "server",
            "--data",
            data.toString(),
            "--listen",
            "127.0.0.1:" + port,
            // Named, since by default the id is the --listen text, which is 127.0.0.1:0 at the
            // first start and the bound port at a restart: clients would refuse the restarted one.
            "--server-id",
            SERVER_ID);
    File log = logs.resolve("server-" + System.nanoTime() + ".log").toFile();
    builder.redirectErrorStream(true).redirectOutput(log);
    process = builder.start();
    // The first start listens on port 0 and says which port it bound: no other process can take
    // the port between its choice and the bind, as one could when a probe socket chose it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean exited = !process.isAlive();
      for (String line : Files.readAllLines(log.toPath())) {
        Matcher listening = LISTENING.matcher(line);
        if (listening.matches()) {
          port = Integer.parseInt(listening.group(1));
          return;
        }
      }
      if (exited) {
        throw new AssertionError("memvault server exited: " + Files.readString(log.toPath()));
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "memvault server did not say it was listening: " + Files.readString(log.toPath()));
  }

  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** SIGKILL: no shutdown hook, no clean close of the store. */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
