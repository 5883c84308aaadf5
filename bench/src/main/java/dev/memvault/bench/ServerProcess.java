package dev.memvault.bench;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The real sync server, {@code memvault-server.jar}, as a child JVM limited to {@value #HEAP} of
 * heap, listening on 127.0.0.1: what the sync benchmarks talk to over TCP, as devices would. Its
 * log goes to a file next to the run's data.
 */
final class ServerProcess implements AutoCloseable {
  static final String HEAP = "-Xmx256m";

  private static final java.util.concurrent.atomic.AtomicInteger STARTED =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern METRICS = Pattern.compile("metrics at (http://\\S+)");

  /**
   * A server on PostgreSQL refuses to start without a secret given to it (processes sharing the
   * database share it). A fixed one: a benchmark's sessions protect nothing.
   */
  private static final String SECRET = "0123456789abcdef".repeat(4);

  /**
   * How to start the server again, the same way, on the same port and with the same server id,
   * which clients pin at first contact (by default it is the --listen address, port 0 here).
   */
  private record Launch(Path jar, List<String> storeArguments, Path log, String serverId) {}

  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final Launch launch;
  private final Process process;
  private final int port;
  private final URI metrics;
  private JMXConnector jmx; // guarded by this

  private ServerProcess(Launch launch, Process process, int port, URI metrics) {
    this.launch = launch;
    this.process = process;
    this.port = port;
    this.metrics = metrics;
  }

  /** The embedded store in {@code data}. */
  static ServerProcess embedded(Path jar, Path data, Path log) throws IOException {
    return embedded(jar, data, log, List.of());
  }

  /** The embedded store in {@code data}, with more server options ({@code --rate N}, ...). */
  static ServerProcess embedded(Path jar, Path data, Path log, List<String> options)
      throws IOException {
    List<String> arguments = new java.util.ArrayList<>(List.of("--data", data.toString()));
    arguments.addAll(options);
    return start(new Launch(jar, List.copyOf(arguments), log, nextServerId()), 0);
  }

  /** The PostgreSQL store at {@code jdbcUrl}, signing in as user postgres. */
  static ServerProcess postgres(Path jar, String jdbcUrl, Path log) throws IOException {
    return postgres(jar, jdbcUrl, log, List.of());
  }

  /** The PostgreSQL store at {@code jdbcUrl}, with more server options ({@code --rate N}, ...). */
  static ServerProcess postgres(Path jar, String jdbcUrl, Path log, List<String> options)
      throws IOException {
    List<String> arguments =
        new java.util.ArrayList<>(List.of("--postgres", jdbcUrl, "--postgres-user", "postgres"));
    arguments.addAll(options);
    return start(new Launch(jar, List.copyOf(arguments), log, nextServerId()), 0);
  }

  private static String nextServerId() {
    return "memvault-bench-" + ProcessHandle.current().pid() + "-" + SERVERS.incrementAndGet();
  }

  private static ServerProcess start(Launch launch, int port) throws IOException {
    Files.createDirectories(launch.log().toAbsolutePath().getParent());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add(HEAP);
    // For profiling the server under the benchmark's load (JFR, say); not used by the results.
    String extra = System.getenv("MEMVAULT_BENCH_SERVER_JVM_OPTIONS");
    if (extra != null && !extra.isBlank()) {
      // {n} tells the servers of one run apart (in a JFR file name, say): 1, 2, ...
      String numbered = extra.trim().replace("{n}", String.valueOf(STARTED.incrementAndGet()));
      command.addAll(List.of(numbered.split("\\s+")));
    }
    command.add("-jar");
    command.add(launch.jar().toString());
    command.add("--listen");
    command.add("127.0.0.1:" + port);
    command.add("--server-id");
    command.add(launch.serverId());
    command.add("--metrics-listen");
    command.add("127.0.0.1:0");
    command.addAll(launch.storeArguments());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(launch.log().toFile()));
    builder.environment().putAll(Map.of("MEMVAULT_SERVER_SECRET", SECRET));
    Process process = builder.start();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    CompletableFuture<URI> metricsAt = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              // Reads to the end, so that the server never blocks on a full pipe.
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  Matcher metricsLine = METRICS.matcher(line);
                  if (metricsLine.find()) {
                    metricsAt.complete(URI.create(metricsLine.group(1)));
                  }
                  Matcher listeningLine = LISTENING.matcher(line);
                  if (listeningLine.find()) {
                    listening.complete(Integer.parseInt(listeningLine.group(1)));
                  }
                }
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
              listening.completeExceptionally(new IOException("the server exited"));
            },
            "memvault-server-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      int bound = listening.get(60, TimeUnit.SECONDS);
      return new ServerProcess(launch, process, bound, metricsAt.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the server started", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IOException("the server did not start; see " + launch.log(), e);
    }
  }

  /** What a {@code SyncClient} connects to. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** The server process's resident memory (VmRSS), or 0 where the system does not say. */
  long residentBytes() {
    return MachineInfo.residentBytes(process.pid());
  }

  /** A gauge or counter from the server's Prometheus endpoint. */
  long metric(String name) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(metrics).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    for (String line : response.body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new IOException("the server does not report " + name);
  }

  /**
   * The server's heap, read through JMX (the attach API starts the server's local management
   * agent): peak is the sum of the heap pools' peak usage over the process's life (the measure the
   * import benchmark uses); live is the heap in use right after a full GC that this call asks for.
   */
  record Heap(long peakBytes, long liveBytes, long maxBytes) {}

  Heap heap() throws IOException {
    MBeanServerConnection server = mbeans();
    long peak = 0;
    for (MemoryPoolMXBean pool :
        ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class)) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    MemoryMXBean memory =
        ManagementFactory.newPlatformMXBeanProxy(
            server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    memory.gc();
    return new Heap(
        peak, memory.getHeapMemoryUsage().getUsed(), memory.getHeapMemoryUsage().getMax());
  }

  /** Milliseconds the server's JIT compilers have spent compiling so far. */
  long compilationMillis() throws IOException {
    return ManagementFactory.newPlatformMXBeanProxy(
            mbeans(), ManagementFactory.COMPILATION_MXBEAN_NAME, CompilationMXBean.class)
        .getTotalCompilationTime();
  }

  /**
   * The server's MBeans, over one JMX connection opened on first use (the attach API starts the
   * server's local management agent) and kept until {@link #close}: the push benchmark reads the
   * compilers' time every half second, and attaching each time is work in both JVMs.
   */
  private synchronized MBeanServerConnection mbeans() throws IOException {
    if (jmx == null) {
      VirtualMachine vm;
      try {
        vm = VirtualMachine.attach(Long.toString(process.pid()));
      } catch (AttachNotSupportedException e) {
        throw new IOException("cannot attach to the server process", e);
      }
      try {
        jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
      } finally {
        vm.detach();
      }
    }
    return jmx.getMBeanServerConnection();
  }

  /** SIGTERM, which the server answers with a graceful shutdown; SIGKILL if that hangs. */
  @Override
  public void close() {
    synchronized (this) {
      if (jmx != null) {
        try {
          jmx.close();
        } catch (IOException ignored) {
          // The server is going away anyway.
        }
      }
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
