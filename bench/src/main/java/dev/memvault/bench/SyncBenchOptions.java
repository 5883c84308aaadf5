package dev.memvault.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Command-line options of the sync benchmarks ({@code bench/run --sync ...}). */
record SyncBenchOptions(
    int pushRecords,
    List<Integer> deviceCounts,
    int watchStreams,
    int propagationSamples,
    int initialMemories,
    boolean embedded,
    boolean postgres,
    long seed,
    Optional<Path> directory,
    boolean keep,
    Optional<Path> serverJar) {

  static final String USAGE =
      """
      usage: bench/run --sync [options]
        --push-records N       changes pushed per concurrency level, split evenly over its
                               devices (default 100000; the push servers run without a rate limit)
        --devices LIST         concurrency levels (default 1,10,100)
        --watch-streams N      idle Watch streams open during propagation (default 1000)
        --samples N            measured propagations per store (default 200)
        --initial-memories N   memories in the initial sync (default 100000; 0 skips it)
        --stores LIST          embedded,postgres (default both)
        --quick                --push-records 1000 --samples 50 --initial-memories 5000
        --seed N               corpus seed (default 20261128)
        --dir PATH             where to put vaults, server data and PostgreSQL (default: a new
                               temporary directory)
        --keep                 keep them afterwards
        --server-jar PATH      memvault-server.jar (default: sync-server/target/ of this checkout)
      """;

  static SyncBenchOptions parse(String[] args) {
    int records = 100_000;
    List<Integer> devices = List.of(1, 10, 100);
    int streams = 1_000;
    int samples = 200;
    int initial = 100_000;
    boolean embedded = true;
    boolean postgres = true;
    long seed = 20261128L;
    Optional<Path> directory = Optional.empty();
    boolean keep = false;
    Optional<Path> serverJar = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--push-records" -> records = positive(arg, value(args, ++i, arg));
        case "--devices" -> {
          List<Integer> counts = new ArrayList<>();
          for (String count : value(args, ++i, arg).split(",")) {
            counts.add(positive(arg, count.trim()));
          }
          devices = List.copyOf(counts);
        }
        case "--watch-streams" -> streams = Integer.parseInt(value(args, ++i, arg));
        case "--samples" -> samples = positive(arg, value(args, ++i, arg));
        case "--initial-memories" -> initial = Integer.parseInt(value(args, ++i, arg));
        case "--stores" -> {
          List<String> stores = List.of(value(args, ++i, arg).split(","));
          embedded = stores.contains("embedded");
          postgres = stores.contains("postgres");
          if (!embedded && !postgres) {
            throw new IllegalArgumentException("--stores takes embedded, postgres or both");
          }
        }
        case "--quick" -> {
          records = 1_000;
          samples = 50;
          initial = 5_000;
        }
        case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
        case "--dir" -> directory = Optional.of(Path.of(value(args, ++i, arg)));
        case "--keep" -> keep = true;
        case "--server-jar" -> serverJar = Optional.of(Path.of(value(args, ++i, arg)));
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    for (int count : devices) {
      if (records / count < 1) {
        throw new IllegalArgumentException("--push-records must be at least the device count");
      }
    }
    if (streams < 0 || initial < 0) {
      throw new IllegalArgumentException(
          "--watch-streams and --initial-memories must not be negative");
    }
    return new SyncBenchOptions(
        records, devices, streams, samples, initial, embedded, postgres, seed, directory, keep,
        serverJar);
  }

  String commandLine() {
    StringBuilder line = new StringBuilder("--sync --push-records " + pushRecords + " --devices ");
    line.append(String.join(",", deviceCounts.stream().map(String::valueOf).toList()));
    line.append(" --watch-streams ").append(watchStreams);
    line.append(" --samples ").append(propagationSamples);
    line.append(" --initial-memories ").append(initialMemories);
    line.append(" --stores ")
        .append(embedded && postgres ? "embedded,postgres" : embedded ? "embedded" : "postgres");
    line.append(" --seed ").append(seed);
    return line.toString();
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static int positive(String option, String text) {
    int value = Integer.parseInt(text.replace("_", ""));
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be at least 1");
    }
    return value;
  }
}
