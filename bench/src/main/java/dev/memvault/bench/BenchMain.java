package dev.memvault.bench;

import dev.memvault.core.internal.crypto.KdfParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Measures memvault against plain baselines in one run and prints the results as a markdown report
 * on standard output; progress goes to standard error. See BENCHMARKS.md for the method.
 */
public final class BenchMain {
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  private static final int OPEN_REPEATS = 11;
  private static final int BUCKET_MEMORIES = 20_000;

  /** A grant part reads the whole grant per provider search: 20,000 memories keep it in minutes. */
  private static final int GRANT_MEMORIES = 20_000;

  /** Memories of the latency vault given vectors by the model; the others get near-copies. */
  private static final int MEANING_MODEL_VECTORS = 2_000;

  /** The export whose messages are the distractors of the labelled sets. */
  private static final long MEANING_EXPORT_BYTES = 3_000_000L;

  private final BenchOptions options;
  private final Report report = new Report();

  private BenchMain(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--capacity")) {
      if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
        System.out.print(CapacityBenchMain.USAGE);
        return;
      }
      CapacityBenchMain.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("--sync")) {
      if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
        System.out.print(SyncBenchOptions.USAGE);
        return;
      }
      SyncBenchMain.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        System.out.print(BenchOptions.USAGE);
        return;
      }
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    new BenchMain(options).run();
  }

  private void run() throws Exception {
    ZonedDateTime started = ZonedDateTime.now();
    String loadAtStart = MachineInfo.loadAverage();
    Path root = options.directory().orElse(null);
    if (root == null) {
      root = Files.createTempDirectory("memvault-bench-");
    } else if (Files.exists(root)) {
      try (Stream<Path> entries = Files.list(root)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(root + " is not empty");
        }
      }
    }
    Files.createDirectories(root);
    Path baselineJar =
        options.baselineJar().orElse(PlainFtsStore.findJar(jarDirectory().resolve("baseline-lib")));
    PlainFtsStore.Opener xerial = PlainFtsStore.isolatedXerial(baselineJar);
    byte[] sqlCipherKey = new byte[32];
    new SecureRandom().nextBytes(sqlCipherKey);

    Path cliJar = jarDirectory().resolve("../../cli/target/memvault.jar").normalize();
    if (options.runs("startup")) {
      StartupBenchmark.requireCliJar(cliJar);
    }
    progress("building the corpus");
    Corpus corpus = new Corpus(options.seed(), Math.max(100_000, 10 * options.memories()), 1.0);

    List<EnvelopeBenchmark.Result> envelope = List.of();
    if (options.runs("envelope")) {
      progress("envelope encryption");
      envelope =
          new EnvelopeBenchmark(2_000, 1_000, 5)
              .run(
                  List.of(
                      EnvelopeBenchmark.Plaintext.random(),
                      EnvelopeBenchmark.Plaintext.text(corpus)),
                  1024,
                  64 * 1024);
    }

    Path data = root.resolve("data");
    Optional<Adds> adds = Optional.empty();
    if (options.runs("adds")) {
      adds = Optional.of(adds(root, data, xerial, sqlCipherKey, corpus));
    }

    Optional<ImportBenchmark.Result> imported = Optional.empty();
    if (options.runs("import") && options.importMegabytes() > 0) {
      progress("importing a generated " + options.importMegabytes() + " MB ChatGPT export");
      imported =
          Optional.of(
              ImportBenchmark.run(
                  data.resolve("import"),
                  options.importMegabytes() * 1_000_000L,
                  options.seed(),
                  xerial));
    }

    List<BucketDistribution.Result> buckets = List.of();
    if (options.runs("buckets")) {
      int memories = Math.min(options.memories(), BUCKET_MEMORIES);
      progress("padding buckets of " + memories + " corpus memories and a 20 MB export");
      Path directory = root.resolve("buckets");
      Files.createDirectories(directory);
      Path export =
          ChatGptExportGenerator.generate(
                  directory.resolve("conversations.json"), 20_000_000L, options.seed())
              .file();
      buckets = BucketDistribution.run(directory, corpus, memories, export);
    }

    Optional<KeysBenchmark.Result> keys = Optional.empty();
    if (options.runs("keys")) {
      progress("device revoke and rekey on a vault of " + options.memories() + " memories");
      Path serverJar =
          jarDirectory().resolve("../../sync-server/target/memvault-server.jar").normalize();
      keys =
          Optional.of(
              KeysBenchmark.run(root.resolve("keys"), serverJar, corpus, options.memories()));
    }

    Optional<GrantsBenchmark.Result> grants = Optional.empty();
    if (options.runs("grants")) {
      int memories = Math.min(options.memories(), GRANT_MEMORIES);
      progress("a provider's search through a grant, on a vault of " + memories + " memories");
      Path serverJar =
          jarDirectory().resolve("../../sync-server/target/memvault-server.jar").normalize();
      grants =
          Optional.of(GrantsBenchmark.run(root.resolve("grants"), serverJar, corpus, memories));
    }

    Optional<MeaningBenchmark.Result> meaning = Optional.empty();
    if (options.runs("meaning")) {
      progress("search by meaning");
      meaning =
          Optional.of(
              MeaningBenchmark.run(
                  root.resolve("meaning"),
                  corpus,
                  options.memories(),
                  MEANING_MODEL_VECTORS,
                  MEANING_EXPORT_BYTES,
                  options.seed(),
                  BenchMain::progress));
    }

    Optional<StartupBenchmark.Result> startup = Optional.empty();
    if (options.runs("startup")) {
      progress("a CLI search on a small vault, unlocked, next to java -version");
      startup = Optional.of(StartupBenchmark.run(root.resolve("startup"), cliJar, corpus));
    }

    ZonedDateTime finished = ZonedDateTime.now();
    report.machine(
        started,
        finished,
        loadAtStart,
        MachineInfo.loadAverage(),
        root,
        baselineJar,
        plainSqliteVersion(xerial, root),
        vaultCoreSqliteVersion(),
        options);
    adds.ifPresent(
        a -> {
          report.inserts(a.inserts(), options, a.sizes());
          report.searches(a.searches(), a.classes(), options);
          report.open(a.open());
        });
    if (!envelope.isEmpty()) {
      report.envelope(envelope);
    }
    imported.ifPresent(report::imports);
    if (!buckets.isEmpty()) {
      report.buckets(buckets);
    }
    keys.ifPresent(report::keys);
    grants.ifPresent(report::grants);
    meaning.ifPresent(report::meaning);
    startup.ifPresent(report::startup);
    System.out.print(report);
    System.out.flush();

    if (options.keep()) {
      progress("kept the databases in " + root);
    } else {
      deleteRecursively(root);
    }
  }

  /** The adds, then the searches and opens on the data they wrote. */
  private record Adds(
      List<InsertBenchmark.Result> inserts,
      List<SearchBenchmark.Result> searches,
      List<SearchBenchmark.TermClass> classes,
      OpenBenchmark.Result open,
      Map<String, Long> sizes) {}

  private Adds adds(
      Path root, Path data, PlainFtsStore.Opener xerial, byte[] sqlCipherKey, Corpus corpus)
      throws Exception {
    int[] df = corpus.documentFrequencies(options.memories());
    progress("warming up the add path");
    Path warmup = root.resolve("warmup");
    try (Stores stores = new Stores(warmup, xerial, sqlCipherKey)) {
      InsertBenchmark.run(
          stores.all,
          corpus,
          options.memories(),
          3 * options.batchSize(),
          options.batchSize(),
          false);
    }
    deleteRecursively(warmup);

    List<InsertBenchmark.Result> inserts;
    List<SearchBenchmark.Result> searches = new ArrayList<>();
    List<SearchBenchmark.TermClass> classes = new ArrayList<>();
    KdfParameters kdf;
    try (Stores stores = new Stores(data, xerial, sqlCipherKey)) {
      progress(
          "adding " + options.memories() + " memories to each of " + stores.all.size() + " stores");
      inserts =
          InsertBenchmark.run(stores.all, corpus, 0, options.memories(), options.batchSize(), true);
      kdf = stores.memvault.vault().kdfParameters();

      int n = options.memories();
      classes.add(select("rare", 1, Math.max(2, n / 10_000), df, corpus));
      classes.add(select("medium", Math.max(3, n / 1_000), Math.max(4, n / 100), df, corpus));
      classes.add(select("common", Math.max(5, n / 10), n, df, corpus));
      progress("warming up search");
      for (SearchBenchmark.TermClass terms : classes) {
        SearchBenchmark.warmUp(stores.all, terms);
      }
      for (SearchBenchmark.TermClass terms : classes) {
        progress("searching " + terms.name() + " terms");
        searches.addAll(SearchBenchmark.run(stores.all, terms));
      }
    }

    progress("opening");
    OpenBenchmark.Result open =
        OpenBenchmark.run(
            data.resolve("memvault"),
            PASSPHRASE,
            kdf,
            new OpenBenchmark.Database(xerial, data.resolve("plain").resolve("plain.db")),
            options.breakdown()
                ? Optional.of(
                    new OpenBenchmark.Database(
                        PlainFtsStore.vaultCoreDriverWithSqlCipher(sqlCipherKey),
                        data.resolve("sqlcipher").resolve("sqlcipher.db")))
                : Optional.empty(),
            OPEN_REPEATS);

    return new Adds(inserts, searches, classes, open, sizes(data));
  }

  private SearchBenchmark.TermClass select(
      String name, int minDf, int maxDf, int[] df, Corpus corpus) {
    return SearchBenchmark.select(
        name,
        minDf,
        maxDf,
        df,
        corpus,
        options.warmupQueriesPerClass(),
        options.queriesPerClass(),
        options.seed());
  }

  /** The stores under test, each in its own directory, closed together. */
  private final class Stores implements AutoCloseable {
    final PlainFtsStore plain;
    final MemvaultStore memvault;
    final List<Store> all = new ArrayList<>();

    Stores(Path directory, PlainFtsStore.Opener xerial, byte[] sqlCipherKey)
        throws SQLException, IOException {
      plain = PlainFtsStore.open(Report.PLAIN, xerial, file(directory, "plain", "plain.db"));
      all.add(plain);
      if (options.breakdown()) {
        all.add(
            PlainFtsStore.open(
                Report.NO_KEY,
                PlainFtsStore.vaultCoreDriverWithoutKey(),
                file(directory, "nokey", "nokey.db")));
        all.add(
            PlainFtsStore.open(
                Report.SQLCIPHER,
                PlainFtsStore.vaultCoreDriverWithSqlCipher(sqlCipherKey),
                file(directory, "sqlcipher", "sqlcipher.db")));
      }
      memvault = MemvaultStore.create(directory.resolve("memvault"), PASSPHRASE);
      all.add(memvault);
    }

    @Override
    public void close() throws SQLException {
      for (Store store : all) {
        store.close();
      }
    }
  }

  private static Path file(Path directory, String subdirectory, String name) throws IOException {
    Path parent = directory.resolve(subdirectory);
    Files.createDirectories(parent);
    return parent.resolve(name);
  }

  /** Bytes on disk per store directory (database, WAL and, for memvault, the header). */
  private static Map<String, Long> sizes(Path data) throws IOException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    try (Stream<Path> directories = Files.list(data)) {
      for (Path directory : directories.sorted().toList()) {
        try (Stream<Path> files = Files.walk(directory)) {
          long total = 0;
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            total += Files.size(file);
          }
          sizes.put(directory.getFileName().toString(), total);
        }
      }
    }
    return sizes;
  }

  private static String plainSqliteVersion(PlainFtsStore.Opener xerial, Path root)
      throws SQLException {
    try (Connection connection = xerial.connect(root.resolve("version.db"));
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT sqlite_version()")) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static String vaultCoreSqliteVersion() throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT sqlite_version()")) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static Path jarDirectory() {
    try {
      Path location =
          Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // target/memvault-bench.jar or, when run from an IDE, target/classes: both in target/.
      return location.getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static final long START = System.nanoTime();

  static void progress(String message) {
    System.err.printf(
        Locale.ROOT,
        "[%6.1f s] %s (load %s)%n",
        (System.nanoTime() - START) / 1e9,
        message,
        MachineInfo.loadAverage());
  }
}
