package dev.memvault.bench;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/** The sync results as markdown, each memvault number next to its baseline from the same run. */
final class SyncBenchReport {
  static final String EMBEDDED = "embedded (SQLite)";
  static final String POSTGRES = "PostgreSQL";
  private static final double PUSH_RATIO_GOAL = 0.5;
  private static final long PROPAGATION_P50_GOAL_NANOS = 20_000_000;
  private static final long HEAP_GOAL_BYTES = 256L * 1024 * 1024;
  private static final long INITIAL_SYNC_GOAL_NANOS = 20_000_000_000L;

  private static final double MIB = 1024.0 * 1024;

  private final StringBuilder out = new StringBuilder();

  void machine(
      ZonedDateTime started,
      ZonedDateTime finished,
      String loadAtStart,
      String loadAtEnd,
      Path directory,
      Path serverJar,
      String postgres,
      SyncBenchOptions options) {
    line("# memvault sync benchmark");
    line("");
    line("| | |");
    line("| --- | --- |");
    row(
        "date",
        started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            + " to "
            + finished.format(DateTimeFormatter.ISO_LOCAL_TIME));
    row("cpu", MachineInfo.cpuModel() + ", " + MachineInfo.cores() + " cores (Runtime)");
    row("memory", MachineInfo.memory() + ", bench JVM max heap " + MachineInfo.maxHeap());
    row("os", MachineInfo.os());
    row("java", MachineInfo.java());
    row("data directory", directory + " on " + MachineInfo.fileSystem(directory));
    row("load average (1/5/15 min)", "start " + loadAtStart + ", end " + loadAtEnd);
    row("server", serverJar.getFileName() + " in a child JVM with `" + ServerProcess.HEAP + "`");
    row("postgres", postgres);
    row("options", options.commandLine());
    line("");
  }

  void push(PushBenchmark.Result result) {
    line("## Push throughput: " + result.store());
    line("");
    line(
        "Each device is a vault of its own with one connection, pushing signed changes of real"
            + " memories (1 KiB of text, the envelope as stored) in batches of "
            + dev.memvault.sdk.sync.SyncClient.PUSH_BATCH
            + " over one PushStream with "
            + dev.memvault.sdk.sync.SyncClient.PUSH_WINDOW
            + " batches on their way (as SyncClient pushes), all devices at once, to a server"
            + " without a per-device rate limit. Unmeasured first, per level: a warm-up of the"
            + " same shape (as many devices, each pushing copies of its counterpart's envelopes"
            + " under fresh ids), then a wait until neither JVM's JIT compiler is busy."
            + " Baseline: the same rows (same bytes, seqs and hashes) inserted into the server's"
            + " own tables with one JDBC connection, `addBatch` and one transaction per push's"
            + " rows. The two take turns in up to "
            + PushBenchmark.ROUNDS
            + " rounds per level (each round a part of every"
            + " device's pushes, the order alternating), both JVMs' compilers idle and the OS's"
            + " dirty pages written out (`sync`) before each turn; memvault / raw is over the whole"
            + " level, and per round in the last column.");
    line("");
    line(
        "| devices | changes | payload bytes avg | memvault changes/s | raw JDBC rows/s |"
            + " memvault / raw | goal ≥ 0.5 | rounds |");
    line("| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for (PushBenchmark.Level level : result.levels()) {
      double ratio = level.memvaultPerSecond() / level.baselinePerSecond();
      line(
          String.format(
              Locale.ROOT,
              "| %d | %,d | %,.0f | %,.0f | %,.0f | %.2f | %s | %s |",
              level.devices(),
              level.changes(),
              (double) level.payloadBytes() / level.changes(),
              level.memvaultPerSecond(),
              level.baselinePerSecond(),
              ratio,
              ratio >= PUSH_RATIO_GOAL ? "met" : "**not met**",
              level.roundRatios().stream()
                  .map(round -> String.format(Locale.ROOT, "%.2f", round))
                  .collect(Collectors.joining(", "))));
    }
    line("");
  }

  void propagation(PropagationBenchmark.Result result) {
    Samples latency = result.propagationNanos();
    Samples push = result.pushNanos();
    ServerProcess.Heap heap = result.heap();
    line("## Change propagation: " + result.store());
    line("");
    line(
        String.format(
            Locale.ROOT,
            "One change at a time (a 1 KiB memory's envelope), 20–40 ms apart, pushed by one"
                + " connection and received on another connection's Watch stream of the same"
                + " vault, %,d idle Watch streams open on other vaults (%,d reported open by the"
                + " server's metrics at the end; %d idle streams failed). %d measured after 20"
                + " unmeasured. Time from just before Push to the entry's arrival.",
            result.idleStreams(),
            result.streamsReported(),
            result.idleStreamErrors(),
            latency.size()));
    line("");
    line("| measure | p50 | p99 | max |");
    line("| --- | ---: | ---: | ---: |");
    line(
        "| propagation (push to Watch delivery) | "
            + Report.millis(latency.median())
            + " | "
            + Report.millis(latency.percentile(0.99))
            + " | "
            + Report.millis(latency.max())
            + " |");
    line(
        "| of which the Push call (until the writer has the ack), same samples | "
            + Report.millis(push.median())
            + " | "
            + Report.millis(push.percentile(0.99))
            + " | "
            + Report.millis(push.max())
            + " |");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Server heap (MiB; the JVM's limit %.0f MiB): peak %.0f MiB (sum of the heap pools'"
                + " peaks over the process's life, as the import benchmark measures it), %.0f MiB"
                + " live after a full GC with every stream still open.",
            heap.maxBytes() / MIB,
            heap.peakBytes() / MIB,
            heap.liveBytes() / MIB));
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Goals: p50 < 20 ms: %s; server heap < 256 MiB: %s.",
            latency.median() < PROPAGATION_P50_GOAL_NANOS ? "met" : "**not met**",
            heap.peakBytes() < HEAP_GOAL_BYTES ? "met" : "**not met**"));
    line("");
  }

  void initialSync(InitialSyncBenchmark.Result result) {
    line("## Initial sync to a new device");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "%,d memories (1 KiB of text each; %,.0f bytes of payloads and signatures on the"
                + " embedded server), added and pushed by device A. Device B joins with a pairing"
                + " code that A approves (`DeviceLinking`, `DeviceJoin.withCode`, both in the bench"
                + " JVM) and makes its first sync: the whole log pulled, checked against the device"
                + " chain and each signature, decrypted, stored and indexed. Timed from A opening"
                + " the pairing to B's first sync returning, so it includes the pairing round"
                + " trips (both sides poll every 200 ms) and B's Argon2id for its passphrase.",
            result.memories(),
            (double) result.storedBytes()));
    line("");
    line("| | seconds | memories/s |");
    line("| --- | ---: | ---: |");
    double seconds = result.joinNanos() / 1e9;
    line(
        String.format(
            Locale.ROOT,
            "| B: link, join and first sync | %.1f | %,.0f |",
            seconds,
            result.memories() / seconds));
    double addSeconds = result.addNanos() / 1e9;
    line(
        String.format(
            Locale.ROOT,
            "| baseline in the same run: A adding the same memories locally (`addAll`, 1,000 per"
                + " transaction) | %.1f | %,.0f |",
            addSeconds,
            result.memories() / addSeconds));
    line("");
    line(
        String.format(
            Locale.ROOT,
            "B's first sync pulled %,d log entries and applied %,d revisions; a search on B for"
                + " the most common word returned %d hits. A's push of the memories (setup, to a"
                + " server started with --rate 1000000 --rate-burst 1000000) took %.1f s.",
            result.pulled(),
            result.revisionsApplied(),
            result.searchHits(),
            result.pushNanos() / 1e9));
    line("");
    String verdict;
    if (result.memories() < 100_000) {
      verdict = "not measured in this run (fewer than 100,000 memories)";
    } else {
      verdict = result.joinNanos() < INITIAL_SYNC_GOAL_NANOS ? "met" : "**not met**";
    }
    line("Goal (100,000 memories to a new device in under 20 s on 2 cores): " + verdict + ".");
    line("");
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
