package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ServerMain in a child JVM with the test class path, as an operator starts it. */
final class ServerProcess {
  private static final Pattern LISTENING =
      Pattern.compile("memvault sync server listening on (\\S+):(\\d+) \\((.+)\\)");
  private static final Pattern METRICS =
      Pattern.compile("memvault sync server metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");

  final Process process;
  final int port;
  final int metricsPort;
  final String storeDescription;

  /** What the process printed on stdout after its listening line, as it prints it. */
  private final BlockingQueue<String> laterLines;

  /** What it printed before its listening line. */
  final List<String> earlierLines;

  private ServerProcess(
      Process process,
      int port,
      int metricsPort,
      String storeDescription,
      BlockingQueue<String> laterLines,
      List<String> earlierLines) {
    this.process = process;
    this.port = port;
    this.metricsPort = metricsPort;
    this.storeDescription = storeDescription;
    this.laterLines = laterLines;
    this.earlierLines = earlierLines;
  }

  /** The next line printed, waiting for it at most {@code seconds}; null if none came. */
  String nextLine(long seconds) throws InterruptedException {
    return laterLines.poll(seconds, TimeUnit.SECONDS);
  }

  /**
   * Sends SIGTERM and leaves this side's end of the process's pipes open, so that what it prints
   * while shutting down is still read. {@link Process#destroy()} sends the same signal but then
   * closes those pipes here: the reader thread fails with "Stream closed" and never sees a line the
   * process prints after the signal.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** Starts ServerMain with {@code storeArgs}, on 127.0.0.1 port 0, with metrics. */
  static ServerProcess start(Path log, Map<String, String> env, List<String> storeArgs)
      throws Exception {
    return start(log, env, "127.0.0.1:0", storeArgs);
  }

  /** Starts ServerMain with {@code args}, listening on {@code listen}, with metrics. */
  static ServerProcess start(Path log, Map<String, String> env, String listen, List<String> args)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ServerMain.class.getName(),
                "--listen",
                listen,
                "--metrics-listen",
                "127.0.0.1:0"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove(ServerMain.SECRET_ENV);
    builder.environment().putAll(env);
    return launch(log, builder);
  }

  /**
   * Starts the server {@code builder} describes (a java command, or the distribution's script) and
   * waits for its listening line; its stderr goes to {@code log}.
   */
  static ServerProcess launch(Path log, ProcessBuilder builder) throws Exception {
    Process process = builder.redirectError(log.toFile()).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // The process is gone.
              }
            });
    reader.setDaemon(true);
    reader.start();
    Integer metricsPort = null;
    List<String> earlier = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        if (!process.isAlive()) {
          break;
        }
        continue;
      }
      Matcher metrics = METRICS.matcher(line);
      if (metrics.matches()) {
        metricsPort = Integer.parseInt(metrics.group(1));
      }
      Matcher listening = LISTENING.matcher(line);
      if (listening.matches()) {
        assertNotNull(metricsPort, "the metrics line comes first");
        return new ServerProcess(
            process,
            Integer.parseInt(listening.group(2)),
            metricsPort,
            listening.group(3),
            lines,
            earlier);
      }
      earlier.add(line);
    }
    process.destroyForcibly();
    throw new AssertionError(
        "the server did not say it was listening; its log:\n" + Files.readString(log));
  }
}
