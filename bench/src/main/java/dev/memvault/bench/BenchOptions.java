package dev.memvault.bench;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Command-line options of the benchmark. */
record BenchOptions(
    int memories,
    int batchSize,
    int queriesPerClass,
    int warmupQueriesPerClass,
    long seed,
    Optional<Path> directory,
    boolean keep,
    boolean breakdown,
    Optional<Path> baselineJar,
    int importMegabytes,
    Set<String> parts) {

  /**
   * The parts of a run: adds (with the searches and opens on their data), envelope, import, buckets
   * (padding buckets of real records), keys (device revoke and rekey), grants (a provider's search
   * through a grant next to a local search), meaning (search by meaning: recall of the labelled
   * sets, the model's cost, latency beside search by words), startup (the wall time of a CLI
   * search, unlocked, next to the JVM's own start).
   */
  static final Set<String> ALL_PARTS =
      Set.of("adds", "envelope", "import", "buckets", "keys", "grants", "meaning", "startup");

  boolean runs(String part) {
    return parts.contains(part);
  }

  static final String USAGE =
      """
      usage: bench/run [options]
        --memories N         memories to add to each store (default 100000)
        --batch N            memories per transaction (default 1000)
        --queries N          measured searches per term class (default 300)
        --warmup-queries N   unmeasured searches per term class first (default 50)
        --seed N             corpus seed (default 20261128)
        --dir PATH           where to put the databases (default: a new temporary directory)
        --keep               keep the databases afterwards
        --no-breakdown       skip the two extra stores that split the add cost
        --baseline-jar PATH  the org.xerial sqlite-jdbc jar (default: baseline-lib/ next to
                             the benchmark jar)
        --import-mb N        size of the generated ChatGPT export to import (default 200; 0 skips)
        --parts LIST         which parts to run, comma-separated, of adds (with the searches and
                             opens that use their data), envelope, import, buckets (padding
                             buckets of real records, with and without compression), keys
                             (device revoke and rekey through a real server), grants (a
                             provider's search through a grant), meaning (search by meaning:
                             recall, the model's cost, latency), startup (a CLI search from
                             cli/target/memvault.jar, unlocked, next to java -version)
                             (default: all)

      bench/run --sync [options] runs the sync benchmarks instead; bench/run --sync --help lists
      their options. bench/run --capacity [options]: the sync server's disk per 100,000 memories on
      each store, and one replica on PostgreSQL holding 10,000 vaults with Watch streams open while
      100 devices push (bench/run --capacity --help).
      """;

  static BenchOptions parse(String[] args) {
    int memories = 100_000;
    int batch = 1_000;
    int queries = 300;
    int warmup = 50;
    long seed = 20261128L;
    Optional<Path> directory = Optional.empty();
    boolean keep = false;
    boolean breakdown = true;
    Optional<Path> baselineJar = Optional.empty();
    int importMegabytes = 200;
    Set<String> parts = ALL_PARTS;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--memories" -> memories = positive(arg, value(args, ++i, arg));
        case "--batch" -> batch = positive(arg, value(args, ++i, arg));
        case "--queries" -> queries = positive(arg, value(args, ++i, arg));
        case "--warmup-queries" -> warmup = Integer.parseInt(value(args, ++i, arg));
        case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
        case "--dir" -> directory = Optional.of(Path.of(value(args, ++i, arg)));
        case "--keep" -> keep = true;
        case "--no-breakdown" -> breakdown = false;
        case "--baseline-jar" -> baselineJar = Optional.of(Path.of(value(args, ++i, arg)));
        case "--import-mb" -> importMegabytes = Integer.parseInt(value(args, ++i, arg));
        case "--parts" -> parts = parts(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (batch > memories) {
      throw new IllegalArgumentException("--batch must not exceed --memories");
    }
    if (importMegabytes < 0) {
      throw new IllegalArgumentException("--import-mb must not be negative");
    }
    return new BenchOptions(
        memories,
        batch,
        queries,
        warmup,
        seed,
        directory,
        keep,
        breakdown,
        baselineJar,
        importMegabytes,
        parts);
  }

  private static Set<String> parts(String list) {
    Set<String> parts = new HashSet<>(List.of(list.split(",")));
    for (String part : parts) {
      if (!ALL_PARTS.contains(part)) {
        throw new IllegalArgumentException(
            "unknown part "
                + part
                + " in --parts (known: "
                + String.join(", ", new java.util.TreeSet<>(ALL_PARTS))
                + ")");
      }
    }
    return Set.copyOf(parts);
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
