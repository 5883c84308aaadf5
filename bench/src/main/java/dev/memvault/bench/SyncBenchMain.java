package dev.memvault.bench;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.DeviceJoin;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sync benchmarks ({@code bench/run --sync}): push throughput, change propagation with idle
 * Watch streams, and the initial sync of a new device, against the real server jar in a child
 * process. Prints a markdown report on standard output, progress on standard error.
 */
final class SyncBenchMain {
  /** Changes per push: what SyncClient sends. */
  private static final int PER_PUSH = dev.memvault.sdk.sync.SyncClient.PUSH_BATCH;

  /**
   * The push servers run without a per-device rate limit (a policy, not a cost): each device then
   * pushes as many changes as the level gives it, enough for both JVMs to be warm, and not only its
   * burst allowance of 5,000.
   */
  static final List<String> UNLIMITED = List.of("--rate", "1000000", "--rate-burst", "1000000");

  private static final int PROPAGATION_WARMUP = 20;
  private final SyncBenchOptions options;
  private long nextDocument;
  private boolean devicesPrepared;

  private SyncBenchMain(SyncBenchOptions options) {
    this.options = options;
  }

  static void main(String[] args) throws Exception {
    SyncBenchOptions options;
    try {
      options = SyncBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(SyncBenchOptions.USAGE);
      System.exit(2);
      return;
    }
    new SyncBenchMain(options).run();
  }

  private void run() throws Exception {
    ZonedDateTime started = ZonedDateTime.now();
    String loadAtStart = MachineInfo.loadAverage();
    Path root =
        options.directory().isPresent()
            ? options.directory().get()
            : Files.createTempDirectory("memvault-sync-bench-");
    Files.createDirectories(root);
    Path jarDirectory = jarDirectory();
    Path serverJar =
        options
            .serverJar()
            .orElse(
                jarDirectory.resolve("../../sync-server/target/memvault-server.jar").normalize());
    if (!Files.isRegularFile(serverJar)) {
      throw new IllegalStateException(serverJar + " is missing: build sync-server first");
    }
    Corpus corpus = new Corpus(options.seed(), 100_000, 1.0);
    SyncBenchReport report = new SyncBenchReport();

    PostgresInstance postgres = null;
    try {
      if (options.postgres()) {
        BenchMain.progress("starting PostgreSQL");
        postgres = PostgresInstance.start(root.resolve("postgres"));
      }

      BenchMain.progress("creating the devices' vaults (one Argon2id each)");
      Path devicesDir = root.resolve("devices");
      List<BenchDevice> all = new ArrayList<>();
      List<List<BenchDevice>> warmups = new ArrayList<>();
      List<List<BenchDevice>> levels = new ArrayList<>();
      for (int count : options.deviceCounts()) {
        warmups.add(createDevices(devicesDir, "warmup-" + count, count));
        levels.add(createDevices(devicesDir, String.valueOf(count), count));
      }
      warmups.forEach(all::addAll);
      levels.forEach(all::addAll);
      // A writer per propagation server: linking a device to a vault on one server moves the
      // vault's trusted device chain past what any other server holds for it.
      List<BenchDevice> writers =
          List.of(
              BenchDevice.create(devicesDir.resolve("writer-embedded")),
              BenchDevice.create(devicesDir.resolve("writer-postgres")));
      all.addAll(writers);
      List<BenchDevice> idle = levels.get(levels.size() - 1);

      List<PushBenchmark.Result> pushes = new ArrayList<>();
      List<PropagationBenchmark.Result> propagations = new ArrayList<>();
      try {
        if (options.embedded()) {
          Path dir = root.resolve("embedded");
          ServerProcess.embedded(serverJar, dir.resolve("baseline"), dir.resolve("baseline.log"))
              .close(); // the real server makes the baseline's tables
          try (ServerProcess server =
                  ServerProcess.embedded(
                      serverJar, dir.resolve("server"), dir.resolve("server.log"), UNLIMITED);
              RawLogInsert baseline =
                  RawLogInsert.sqlite(dir.resolve("baseline").resolve("sync.db"))) {
            readyDevices(server, warmups, levels, writers, all, corpus);
            pushes.add(
                PushBenchmark.run(SyncBenchReport.EMBEDDED, server, baseline, warmups, levels));
          }
        }
        if (postgres != null) {
          String serverUrl = postgres.createDatabase("memvault_push");
          String baselineUrl = postgres.createDatabase("baseline_push");
          Path logs = root.resolve("postgres-logs");
          Files.createDirectories(logs);
          ServerProcess.postgres(serverJar, baselineUrl, logs.resolve("baseline.log")).close();
          try (ServerProcess server =
                  ServerProcess.postgres(
                      serverJar, serverUrl, logs.resolve("push.log"), UNLIMITED);
              RawLogInsert baseline = RawLogInsert.postgres(baselineUrl)) {
            readyDevices(server, warmups, levels, writers, all, corpus);
            pushes.add(
                PushBenchmark.run(SyncBenchReport.POSTGRES, server, baseline, warmups, levels));
          }
        }

        if (options.embedded()) {
          propagations.add(
              propagation(
                  SyncBenchReport.EMBEDDED,
                  () ->
                      ServerProcess.embedded(
                          serverJar,
                          root.resolve("propagation-embedded"),
                          root.resolve("propagation-embedded.log")),
                  writers.get(0),
                  root.resolve("watchers"),
                  idle));
          if (postgres != null) {
            String url = postgres.createDatabase("memvault_watch");
            propagations.add(
                propagation(
                    SyncBenchReport.POSTGRES,
                    () ->
                        ServerProcess.postgres(
                            serverJar, url, root.resolve("postgres-logs").resolve("watch.log")),
                    writers.get(1),
                    root.resolve("watchers"),
                    idle));
          }
        }
      } finally {
        for (BenchDevice device : all) {
          device.close();
        }
      }

      Optional<InitialSyncBenchmark.Result> initial = Optional.empty();
      if (options.initialMemories() > 0) {
        initial =
            Optional.of(
                InitialSyncBenchmark.run(
                    serverJar,
                    root.resolve("initial"),
                    corpus,
                    nextDocument,
                    options.initialMemories()));
      }

      report.machine(
          started,
          ZonedDateTime.now(),
          loadAtStart,
          MachineInfo.loadAverage(),
          root,
          serverJar,
          postgres == null ? "not run" : postgres.describe(),
          options);
      for (PushBenchmark.Result result : pushes) {
        report.push(result);
      }
      for (PropagationBenchmark.Result result : propagations) {
        report.propagation(result);
      }
      initial.ifPresent(report::initialSync);
      System.out.print(report);
      System.out.flush();
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
    if (options.keep()) {
      BenchMain.progress("kept everything in " + root);
    } else {
      deleteRecursively(root);
    }
  }

  /**
   * With the first server: every device gets a first memory (which makes its scope) and registers,
   * which pushes both; then its measured memories go into signed pushes: {@link #PER_PUSH} changes
   * each, or one change each for the writers of the propagation benchmark. With a later server the
   * devices only register; the benchmark pushes the same signed changes to it.
   */
  private void readyDevices(
      ServerProcess server,
      List<List<BenchDevice>> warmups,
      List<List<BenchDevice>> levels,
      List<BenchDevice> writers,
      List<BenchDevice> all,
      Corpus corpus) {
    if (devicesPrepared) {
      BenchMain.progress("registering the devices with the next server");
      for (BenchDevice device : all) {
        DeviceSession.register(device.vault(), server.url());
      }
      return;
    }
    devicesPrepared = true;
    BenchMain.progress("adding memories and signing the pushes");
    for (List<BenchDevice> level : levels) {
      for (BenchDevice device : level) {
        prepare(server, device, corpus, options.pushRecords() / level.size(), PER_PUSH);
      }
    }
    for (List<BenchDevice> warmup : warmups) {
      for (BenchDevice device : warmup) {
        prepare(server, device, corpus, 0, PER_PUSH); // PushBenchmark gives it what to push
      }
    }
    for (BenchDevice writer : writers) {
      prepare(server, writer, corpus, PROPAGATION_WARMUP + options.propagationSamples(), 1);
    }
  }

  private void prepare(
      ServerProcess server, BenchDevice device, Corpus corpus, int memories, int perPush) {
    device.addMemories(corpus, nextDocument++, 1);
    DeviceSession.register(device.vault(), server.url());
    device.prepare(corpus, nextDocument, memories, perPush);
    nextDocument += memories;
  }

  private static List<BenchDevice> createDevices(Path directory, String prefix, int count) {
    List<BenchDevice> devices = new ArrayList<>();
    for (int d = 0; d < count; d++) {
      devices.add(BenchDevice.create(directory.resolve(prefix + "-" + d)));
    }
    return devices;
  }

  /** Starts a server the way the caller says. */
  private interface ServerStart {
    ServerProcess start() throws IOException;
  }

  private PropagationBenchmark.Result propagation(
      String store,
      ServerStart start,
      BenchDevice writer,
      Path watcherDirectory,
      List<BenchDevice> idle)
      throws Exception {
    // A server of its own, so that its peak heap is this scenario's.
    try (ServerProcess server = start.start()) {
      BenchMain.progress(
          store + ": registering the idle devices and the writer, linking a watcher");
      DeviceSession.register(writer.vault(), server.url());
      DeviceJoin.Joined watcher =
          DeviceSession.join(
              writer.vault(),
              server.url(),
              watcherDirectory.resolve(store.replaceAll("[^A-Za-z]", "")));
      List<Long> idleSeqs = new ArrayList<>();
      for (BenchDevice device : idle) {
        idleSeqs.add(DeviceSession.register(device.vault(), server.url()));
      }
      try (MemoryVault watching = watcher.vault()) {
        return PropagationBenchmark.run(
            store,
            server,
            writer,
            watching.replica(),
            watcher.firstSync().seq(),
            idle,
            idleSeqs,
            options.watchStreams(),
            PROPAGATION_WARMUP);
      }
    }
  }

  private static Path jarDirectory() {
    try {
      return Path.of(
              SyncBenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
