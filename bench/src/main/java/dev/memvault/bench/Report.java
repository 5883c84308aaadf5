package dev.memvault.bench;

import dev.memvault.core.internal.crypto.KdfParameters;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results as markdown, with every memvault number next to its baseline from the same run. */
final class Report {
  static final String PLAIN = "plain FTS5 (xerial)";
  static final String NO_KEY = "FTS5 only, vault-core's SQLite, no key";
  static final String SQLCIPHER = "FTS5 only, vault-core's SQLite, SQLCipher";
  static final String MEMVAULT = "memvault";
  private static final double ADD_RATIO_GOAL = 0.6;
  private static final double SEARCH_RATIO_GOAL = 1.5;
  private static final long SEARCH_P50_GOAL_NANOS = 5_000_000;
  private static final double IMPORT_RATIO_GOAL = 0.5;
  private static final double SEAL_RATIO_GOAL = 0.5;
  private static final double OPEN_RATIO_GOAL = 0.6;

  private final StringBuilder out = new StringBuilder();

  void machine(
      ZonedDateTime started,
      ZonedDateTime finished,
      String loadAtStart,
      String loadAtEnd,
      Path directory,
      Path baselineJar,
      String plainSqlite,
      String vaultCoreSqlite,
      BenchOptions options) {
    line("# memvault benchmark");
    line("");
    line("| | |");
    line("| --- | --- |");
    row(
        "date",
        started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            + " to "
            + finished.format(DateTimeFormatter.ISO_LOCAL_TIME));
    row("cpu", MachineInfo.cpuModel() + ", " + MachineInfo.cores() + " cores (Runtime)");
    row("memory", MachineInfo.memory() + ", JVM max heap " + MachineInfo.maxHeap());
    row("os", MachineInfo.os());
    row("java", MachineInfo.java());
    row("data directory", directory + " on " + MachineInfo.fileSystem(directory));
    row("load average (1/5/15 min)", "start " + loadAtStart + ", end " + loadAtEnd);
    row(
        "baseline driver",
        baselineJar.getFileName() + ", SQLite " + plainSqlite + ", own class loader");
    row(
        "vault-core driver",
        "io.github.willena sqlite-jdbc (SQLite3 Multiple Ciphers), SQLite " + vaultCoreSqlite);
    row(
        "options",
        "--memories "
            + options.memories()
            + " --batch "
            + options.batchSize()
            + " --queries "
            + options.queriesPerClass()
            + " --warmup-queries "
            + options.warmupQueriesPerClass()
            + " --seed "
            + options.seed()
            + (options.breakdown() ? "" : " --no-breakdown")
            + (options.parts().equals(BenchOptions.ALL_PARTS)
                ? ""
                : " --parts " + String.join(",", new java.util.TreeSet<>(options.parts()))));
    line("");
  }

  void inserts(
      List<InsertBenchmark.Result> results, BenchOptions options, Map<String, Long> sizes) {
    InsertBenchmark.Result plain = find(results, PLAIN);
    InsertBenchmark.Result memvault = find(results, MEMVAULT);
    line("## Add throughput");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "%,d memories of %,.0f bytes of text on average, in batches of %,d, one transaction per"
                + " batch (memvault: `Vault.addAll`); journal_mode=WAL, synchronous=FULL. The"
                + " stores take turns batch by batch; only the writes are timed.",
            plain.rows(),
            (double) plain.textBytes() / plain.rows(),
            options.batchSize()));
    line("");
    line(
        "| store | rows/s | rows/s vs plain | text MB/s | batch p50 | batch max | CPU µs/row,"
            + " writing thread | CPU µs/row, process | on disk |");
    line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (InsertBenchmark.Result result : results) {
      Long bytes = sizes.get(directoryOf(result.name()));
      line(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.2f | %.1f | %s | %s | %.0f | %.0f | %s |",
              result.name(),
              result.rowsPerSecond(),
              result.rowsPerSecond() / plain.rowsPerSecond(),
              result.textMegabytesPerSecond(),
              millis(result.batchNanos().median()),
              millis(result.batchNanos().max()),
              result.cpuMicrosPerRow(),
              result.processCpuMicrosPerRow(),
              bytes == null ? "?" : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6)));
    }
    double ratio = memvault.rowsPerSecond() / plain.rowsPerSecond();
    line("");
    line(
        String.format(
            Locale.ROOT,
            "**memvault / plain = %.2f** in rows/s (goal: at least %.1f): **%s**. In CPU time per"
                + " row, of the writing thread: %.2f; of the whole process: %.2f (memvault seals"
                + " records on other threads while the writing thread writes).",
            ratio,
            ADD_RATIO_GOAL,
            ratio >= ADD_RATIO_GOAL ? "met" : "not met",
            plain.cpuMicrosPerRow() / memvault.cpuMicrosPerRow(),
            plain.processCpuMicrosPerRow() / memvault.processCpuMicrosPerRow()));
    line("");
  }

  void searches(
      List<SearchBenchmark.Result> results,
      List<SearchBenchmark.TermClass> classes,
      BenchOptions options) {
    line("## Search latency");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "One word per query, ten best by bm25 with a snippet (memvault: `Vault.search(word,"
                + " Selection.all().limitedTo(10))`, which also decrypts each hit). Per class, %d"
                + " warm-up queries, then %d measured queries; the stores take turns on every"
                + " query. p99 of %d samples is nearest-rank.",
            options.warmupQueriesPerClass(),
            options.queriesPerClass(),
            options.queriesPerClass()));
    line("");
    line(
        "| terms | documents per term: class (measured median) | plain p50 | memvault p50 |"
            + " p50 ratio | plain p99 | memvault p99 | hits/query plain, memvault | goals |");
    line("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for (SearchBenchmark.TermClass terms : classes) {
      SearchBenchmark.Result plain = find(results, terms, PLAIN);
      SearchBenchmark.Result memvault = find(results, terms, MEMVAULT);
      double ratio = (double) memvault.nanos().median() / plain.nanos().median();
      List<String> goals = new ArrayList<>();
      goals.add("p50 ≤ 1.5× plain: " + (ratio <= SEARCH_RATIO_GOAL ? "met" : "**not met**"));
      if (!terms.name().equals("common")) {
        goals.add(
            "p50 < 5 ms: "
                + (memvault.nanos().median() < SEARCH_P50_GOAL_NANOS ? "met" : "**not met**"));
      }
      int queries = terms.measured().size();
      line(
          String.format(
              Locale.ROOT,
              "| %s | %,d–%,d, %,d words (%,d) | %s | %s | %.2f | %s | %s | %.1f, %.1f | %s |",
              terms.name(),
              terms.minDf(),
              terms.maxDf(),
              terms.candidates(),
              terms.measuredDf().median(),
              millis(plain.nanos().median()),
              millis(memvault.nanos().median()),
              ratio,
              millis(plain.nanos().percentile(0.99)),
              millis(memvault.nanos().percentile(0.99)),
              (double) plain.hits() / queries,
              (double) memvault.hits() / queries,
              String.join("; ", goals)));
    }
    line("");
    Map<String, List<SearchBenchmark.Result>> byStore = new LinkedHashMap<>();
    for (SearchBenchmark.Result result : results) {
      byStore.computeIfAbsent(result.store(), s -> new ArrayList<>()).add(result);
    }
    if (byStore.size() > 2) {
      line("Every store, p50 / p99:");
      line("");
      StringBuilder header = new StringBuilder("| store |");
      StringBuilder rule = new StringBuilder("| --- |");
      for (SearchBenchmark.TermClass terms : classes) {
        header.append(' ').append(terms.name()).append(" |");
        rule.append(" ---: |");
      }
      line(header.toString());
      line(rule.toString());
      for (Map.Entry<String, List<SearchBenchmark.Result>> entry : byStore.entrySet()) {
        StringBuilder row = new StringBuilder("| " + entry.getKey() + " |");
        for (SearchBenchmark.Result result : entry.getValue()) {
          row.append(' ')
              .append(millis(result.nanos().median()))
              .append(" / ")
              .append(millis(result.nanos().percentile(0.99)))
              .append(" |");
        }
        line(row.toString());
      }
      line("");
    }
  }

  void open(OpenBenchmark.Result result) {
    KdfParameters kdf = result.kdf();
    line("## Opening");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "The vault after the adds above (and the plain database), opened and closed %d times"
                + " after one unmeasured round; Argon2id timed alone with the vault's own"
                + " parameters (%,d KiB, %d passes, parallelism %d) in between. CPU is the calling"
                + " thread's.",
            result.vaultOpen().wallNanos().size(),
            kdf.memoryKib(),
            kdf.iterations(),
            kdf.parallelism()));
    line("");
    line("| measure | median | min | max | median CPU |");
    line("| --- | ---: | ---: | ---: | ---: |");
    timing("`Vault.open`, total", result.vaultOpen());
    timing("Argon2id alone (`PassphraseKdf.derive`)", result.argon2id());
    timing("`Vault.open` minus the Argon2id run next to it", result.openMinusArgon2id());
    result
        .sqlCipherOpen()
        .ifPresent(
            t ->
                timing(
                    "SQLCipher FTS5-only database of the breakdown: connect with raw key, first"
                        + " read, pragmas",
                    t));
    timing("plain FTS5 baseline: connect, first read, pragmas", result.plainOpen());
    line("");
  }

  void envelope(List<EnvelopeBenchmark.Result> results) {
    line("## Envelope encryption");
    line("");
    line(
        "`RecordCipher.seal`/`open` with a `ScopeKeyset.generate().aead()` (Tink AES-256-GCM,"
            + " padding, protobuf envelope) against bare JCE `AES/GCM/NoPadding` with a 256-bit"
            + " key, a fresh random 12-byte nonce per message and associated data of the same"
            + " length. MB = 10^6 bytes of plaintext; median of 5 rounds of 1 s after 2 s of"
            + " warm-up (range in brackets). Random bytes do not compress, so memvault stores"
            + " them as they are; corpus text deflates into a smaller padding bucket.");
    line("");
    line(
        "| size | plaintext | operation | memvault MB/s | JCE AES-GCM MB/s | memvault / JCE"
            + " | goal |");
    line("| ---: | --- | --- | ---: | ---: | ---: | --- |");
    for (EnvelopeBenchmark.Result result : results) {
      double ratio = result.memvaultMbps() / result.jceMbps();
      double goal = result.operation().startsWith("encrypt") ? SEAL_RATIO_GOAL : OPEN_RATIO_GOAL;
      line(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.2f | ≥ %.1f: %s |",
              result.size() >= 1024 ? (result.size() / 1024) + " KiB" : result.size() + " B",
              result.plaintext(),
              result.operation(),
              result.memvaultMbps(),
              result.memvaultMin(),
              result.memvaultMax(),
              result.jceMbps(),
              result.jceMin(),
              result.jceMax(),
              ratio,
              goal,
              ratio >= goal ? "met" : "not met"));
    }
    line("");
  }

  /** The data subdirectory a store's files are in. */
  static String directoryOf(String store) {
    return switch (store) {
      case PLAIN -> "plain";
      case NO_KEY -> "nokey";
      case SQLCIPHER -> "sqlcipher";
      default -> "memvault";
    };
  }

  private void timing(String name, OpenBenchmark.Timing timing) {
    Samples wall = timing.wallNanos();
    line(
        "| "
            + name
            + " | "
            + millis(wall.median())
            + " | "
            + millis(wall.min())
            + " | "
            + millis(wall.max())
            + " | "
            + millis(timing.cpuNanos().median())
            + " |");
  }

  static String millis(long nanos) {
    double ms = nanos / 1e6;
    if (Math.abs(ms) < 1) {
      return String.format(Locale.ROOT, "%.3f ms", ms);
    }
    if (Math.abs(ms) < 10) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    if (Math.abs(ms) < 100) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(Locale.ROOT, "%.0f ms", ms);
  }

  private static InsertBenchmark.Result find(List<InsertBenchmark.Result> results, String name) {
    return results.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  private static SearchBenchmark.Result find(
      List<SearchBenchmark.Result> results, SearchBenchmark.TermClass terms, String name) {
    return results.stream()
        .filter(r -> r.terms() == terms && r.store().equals(name))
        .findFirst()
        .orElseThrow();
  }

  void imports(ImportBenchmark.Result result) {
    line("");
    line("## Import of a generated ChatGPT export");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "A %.0f MB `conversations.json` (%,d conversations, %,d messages including alternates)."
                + " memvault imports it in a child JVM with `%s`; the baseline parses the same file"
                + " with the same streaming parser and inserts the same messages as plain rows"
                + " with an FTS5 index of their text (xerial, WAL, synchronous=FULL; external"
                + " content, memvault's tokenizer), one transaction per conversation.",
            result.export().bytes() / 1e6,
            result.export().conversations(),
            result.export().messages(),
            ImportBenchmark.CHILD_HEAP));
    line("");
    line("| | messages | seconds | messages/s | peak heap | on disk |");
    line("| --- | --- | --- | --- | --- | --- |");
    line(
        String.format(
            Locale.ROOT,
            "| memvault import | %,d | %.1f | %,.0f | %.0f MB | %.0f MB |",
            result.memvaultMessages(),
            result.memvaultNanos() / 1e9,
            result.memvaultPerSecond(),
            result.memvaultPeakHeapBytes() / 1e6,
            result.memvaultBytesOnDisk() / 1e6));
    line(
        String.format(
            Locale.ROOT,
            "| plain insert and FTS5 index of the same rows | %,d | %.1f | %,.0f | (not limited)"
                + " | %.0f MB |",
            result.plainMessages(),
            result.plainNanos() / 1e9,
            result.plainPerSecond(),
            result.plainBytesOnDisk() / 1e6));
    line("");
    double ratio = result.memvaultPerSecond() / result.plainPerSecond();
    boolean heapMet = result.memvaultPeakHeapBytes() < 256L << 20;
    line(
        String.format(
            Locale.ROOT,
            "**memvault / plain = %.2f** (goal: at least %.1f): %s; peak heap under 256 MiB: %s.",
            ratio,
            IMPORT_RATIO_GOAL,
            ratio >= IMPORT_RATIO_GOAL ? "met" : "not met",
            heapMet ? "met" : "not met"));
  }

  void grants(GrantsBenchmark.Result result) {
    line("");
    line("## A provider's search through a grant");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "A vault of %,d memories in two scopes; %,d in the granted one. Through the real"
                + " server over TCP on 127.0.0.1 (embedded store, its own process). `provider"
                + " search` signs in, verifies the device chain, pulls, verifies and opens every"
                + " granted revision into a throwaway vault and searches it; `provider mcp` pays"
                + " that once at start, then searches like a local vault. Two-word query.",
            result.memories(),
            result.granted()));
    line("");
    line("| | median ms | max ms | runs |");
    line("| --- | --- | --- | --- |");
    row("provider search (whole read, then search)", result.coldNanos());
    row("search of the provider's vault once read (provider mcp)", result.warmNanos());
    row("local search of the same scope on the person's device", result.localNanos());
  }

  void meaning(MeaningBenchmark.Result result) {
    line("");
    line("## Search by meaning");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Recall@5 of the labelled paraphrase sets (bench resources `meaning/`: each query shares"
                + " no word form with its memory), all %d memories of both sets added to a vault"
                + " that imported a generated ChatGPT export of %,d messages, everything indexed"
                + " by the bundled model (all-MiniLM-L6-v2, quantized). Words only: the vault"
                + " with no model attached.",
            result.labelledMemories(),
            result.distractorMessages()));
    line("");
    line("| set | pairs | recall@5, words only | recall@5, words and meaning |");
    line("| --- | --- | --- | --- |");
    for (MeaningBenchmark.Quality quality : result.quality()) {
      line(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.2f (%d) | %.2f (%d) |",
              quality.set(),
              quality.pairs(),
              quality.wordsRecall(),
              quality.wordsFound(),
              quality.hybridRecall(),
              quality.hybridFound()));
    }
    line("");
    line(
        String.format(
            Locale.ROOT,
            "The model: %.0f memories/s for the labelled memories (one or two sentences), %.0f/s"
                + " for 1 KiB corpus memories (batches on every core); resident memory %.0f MB"
                + " more once loaded (VmRSS).",
            result.shortPerSecond(),
            result.corpusPerSecond(),
            result.modelResidentBytes() / 1e6));
    MeaningBenchmark.SyncedVector synced = result.syncedVector();
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Syncing vectors instead of making them on each device would cost, per memory,"
                + " sealing a %d-byte record (%.1f µs) on the writer and opening it (%.1f µs) on"
                + " every other device, against %.1f ms (a sentence) to %.1f ms (1 KiB) of model"
                + " time per memory here; and %d more bytes per memory and revision in the log.",
            synced.bytes(),
            synced.sealMicros(),
            synced.openMicros(),
            1_000 / result.shortPerSecond(),
            1_000 / result.corpusPerSecond(),
            synced.bytes()));
    MeaningBenchmark.Latency latency = result.latency();
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Latency on a vault of %,d corpus memories (limit 10), the same %d queries both ways"
                + " (the labelled queries and single corpus words), after a warm-up. Vectors: %,d"
                + " made by the model, the others near-copies of those (a search's cost depends on"
                + " the number of vectors, not their values). The first search by meaning after"
                + " open read the vectors into memory: %.0f ms. Heap after: %.0f MB.",
            latency.memories(),
            latency.wordsNanos().size(),
            latency.modelVectors(),
            latency.firstHybridNanos() / 1e6,
            latency.heapAfterBytes() / 1e6));
    line("");
    line("| | p50 ms | p99 ms | max ms |");
    line("| --- | --- | --- | --- |");
    percentiles("search by words only", latency.wordsNanos());
    percentiles("search by words and meaning", latency.hybridNanos());
    percentiles("of which: the query's embedding", latency.queryEmbeddingNanos());
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Words and meaning / words only, p50: %.2f (goal: within 3x, and under 50 ms).",
            (double) latency.hybridNanos().median() / latency.wordsNanos().median()));
  }

  private void percentiles(String what, Samples samples) {
    line(
        String.format(
            Locale.ROOT,
            "| %s | %.2f | %.2f | %.2f |",
            what,
            samples.median() / 1e6,
            samples.percentile(0.99) / 1e6,
            samples.max() / 1e6));
  }

  private void row(String what, Samples samples) {
    line(
        String.format(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %d |",
            what,
            samples.median() / 1e6,
            samples.max() / 1e6,
            samples.size()));
  }

  /** Goal: a search unlocked within this of the JVM's own start. */
  private static final double STARTUP_GOAL_MS = 300;

  void startup(StartupBenchmark.Result result) {
    line("");
    line("## Command start-up: search on a small vault");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "`memvault search WORD` from `cli/target/memvault.jar`, each run a new JVM (as `setsid"
                + " -w java ...`), on a vault of %d memories, next to `java -version` in the same"
                + " %d rounds (one unmeasured round first). Unlocked: `memvault unlock` ran once"
                + " before, and the jar hands the search to its agent; the AppCDS archive (%.1f MB) was made by one unlocked search run with"
                + " `-XX:ArchiveClassesAtExit`.",
            result.memories(),
            result.javaVersion().size(),
            result.archiveBytes() / 1e6));
    line("");
    line("| | median ms | min ms | max ms |");
    line("| --- | ---: | ---: | ---: |");
    spread("`java -version`", result.javaVersion());
    spread("`search`, unlocked (run in the session agent)", result.searchUnlocked());
    spread(
        "`search`, unlocked, in its own process (`MEMVAULT_NO_AGENT=1`)",
        result.searchUnlockedOwnProcess());
    spread("`search`, unlocked, AppCDS archive", result.searchUnlockedCds());
    spread("`search` given the passphrase (Argon2id included)", result.searchPassphrase());
    double plain = (result.searchUnlocked().median() - result.javaVersion().median()) / 1e6;
    double shared = (result.searchUnlockedCds().median() - result.javaVersion().median()) / 1e6;
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Unlocked search minus the JVM's start (medians): %.0f ms, %.0f ms with the AppCDS"
                + " archive; goal within %.0f ms: %s, %s with the archive.",
            plain,
            shared,
            STARTUP_GOAL_MS,
            plain <= STARTUP_GOAL_MS ? "met" : "not met",
            shared <= STARTUP_GOAL_MS ? "met" : "not met"));
  }

  private void spread(String what, Samples samples) {
    line(
        String.format(
            Locale.ROOT,
            "| %s | %.0f | %.0f | %.0f |",
            what,
            samples.median() / 1e6,
            samples.min() / 1e6,
            samples.max() / 1e6));
  }

  void keys(KeysBenchmark.Result result) {
    double small = result.revokeSmallNanos() / 1e9;
    double large = result.revokeLargeNanos() / 1e9;
    double rekey = result.rekeyNanos() / 1e9;
    double pragma = result.pragmaRekeyNanos() / 1e9;
    line("");
    line("## Taking access back: device revoke and rekey");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Through the real server over TCP on 127.0.0.1 (embedded store, its own process). A"
                + " revocation appends a revocation and a key epoch sealed to the remaining"
                + " devices, rotates the keys of the vault's %d scopes and syncs; `rekey` of the"
                + " closed vault (%,d memories, a %.0f MB database) is set beside SQLCipher's own"
                + " `PRAGMA rekey` of a copy of the same file. `rekey` includes two Argon2id"
                + " derivations (unwrapping the old root key, wrapping the new one), the copy and"
                + " the fsyncs.",
            result.scopes(),
            result.memories(),
            result.databaseBytes() / 1e6));
    line("");
    line("| | seconds |");
    line("| --- | --- |");
    line(
        String.format(
            Locale.ROOT,
            "| device revoke, %d memories, %d devices | %.2f |",
            10,
            result.devicesSmall(),
            small));
    line(
        String.format(
            Locale.ROOT,
            "| device revoke, %,d memories, %d devices | %.2f |",
            result.memories(),
            result.devicesLarge(),
            large));
    line(
        String.format(
            Locale.ROOT, "| memvault rekey, %,d memories | %.2f |", result.memories(), rekey));
    line(String.format(Locale.ROOT, "| PRAGMA rekey of the same database file | %.2f |", pragma));
    line("");
    line(
        String.format(
            Locale.ROOT,
            "**device revoke: %.2f s** on the large vault (goal: under 2 s, independent of the"
                + " number of memories: %.2f s on the small one): %s. **rekey / PRAGMA rekey ="
                + " %.2f** (goal: at most 1.5): %s.",
            large,
            small,
            large < 2.0 ? "met" : "not met",
            rekey / pragma,
            rekey / pragma <= 1.5 ? "met" : "not met"));
  }

  void buckets(List<BucketDistribution.Result> results) {
    line("");
    line("## Padding buckets, with and without compression");
    line("");
    line(
        "Records read back from a vault (`exportAll`) and sealed again by `RecordCipher`:"
            + " \"stored\" is the bucket of the record as it is (no compression), \"sealed\" what"
            + " the writer chose. Records per band of padded plaintext length, then the padded"
            + " bytes of all records. \"Missed\": records stored as they are although deflate at"
            + " level 1 would have reached a smaller bucket (the writer's estimate skipped them).");
    line("");
    StringBuilder header = new StringBuilder("| records | way |");
    StringBuilder rule = new StringBuilder("| --- | --- |");
    int lower = 0;
    for (int upper : BucketDistribution.BANDS) {
      header.append(" ").append(bytes(lower + 1)).append("–").append(bytes(upper)).append(" |");
      rule.append(" ---: |");
      lower = upper;
    }
    header.append(" > ").append(bytes(lower)).append(" | padded bytes | deflated | missed |");
    rule.append(" ---: | ---: | ---: | ---: |");
    line(header.toString());
    line(rule.toString());
    for (BucketDistribution.Result result : results) {
      line(
          bucketRow(
              result.records(), "stored", result.storedBands(), result.storedBytes(), "", ""));
      line(
          bucketRow(
              "",
              "sealed",
              result.sealedBands(),
              result.sealedBytes(),
              String.format(Locale.ROOT, "%,d", result.deflatedRecords()),
              String.format(Locale.ROOT, "%,d", result.missedRecords())));
    }
    line("");
    for (BucketDistribution.Result result : results) {
      line(
          String.format(
              Locale.ROOT,
              "- %s: %,d bytes of serialized memories; padded %,d bytes stored as they are, %,d"
                  + " as sealed (%.2f).",
              result.records(),
              result.memoryBytes(),
              result.storedBytes(),
              result.sealedBytes(),
              result.sealedBytes() / (double) result.storedBytes()));
    }
  }

  private static String bucketRow(
      String records, String way, long[] bands, long bytes, String deflated, String missed) {
    StringBuilder row = new StringBuilder("| " + records + " | " + way + " |");
    for (long count : bands) {
      row.append(String.format(Locale.ROOT, " %,d |", count));
    }
    row.append(String.format(Locale.ROOT, " %,d | %s | %s |", bytes, deflated, missed));
    return row.toString();
  }

  private static String bytes(int bytes) {
    return bytes >= 1024 && bytes % 1024 == 0 ? (bytes / 1024) + " KiB" : bytes + " B";
  }

  private void row(String key, String value) {
    line("| " + key + " | " + value + " |");
  }

  private void line(String text) {
    out.append(text).append('\n');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
