package dev.memvault.bench;

import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.sdk.sync.PushPipeline;
import dev.memvault.sdk.sync.SyncClient;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Push throughput: devices push their signed changes to the real server at the same time, each over
 * its own connection through one PushStream with {@link SyncClient#PUSH_WINDOW} batches on their
 * way at once (PushPipeline, as SyncClient pushes); next to the raw JDBC insert of the same rows
 * into the same kind of store ({@link RawLogInsert}). Each concurrency level has devices of its own
 * (the server's rate buckets are per device), and the baseline and memvault take turns in {@link
 * #ROUNDS} rounds per level, the order alternating.
 */
final class PushBenchmark {
  /**
   * One concurrency level: what was pushed, how long memvault and the baseline took in all, and
   * memvault / baseline in each of the level's rounds.
   */
  record Level(
      int devices,
      long changes,
      long payloadBytes,
      long memvaultNanos,
      long baselineNanos,
      List<Double> roundRatios) {
    double memvaultPerSecond() {
      return changes / (memvaultNanos / 1e9);
    }

    double baselinePerSecond() {
      return changes / (baselineNanos / 1e9);
    }
  }

  record Result(String store, List<Level> levels) {}

  private PushBenchmark() {}

  /**
   * @param warmups pushed and inserted first, unmeasured, to warm up both sides' JIT and caches:
   *     per level, as many devices as the level has (what they push is made here)
   * @param levels the devices of each concurrency level, registered with {@code server}
   */
  static Result run(
      String store,
      ServerProcess server,
      RawLogInsert baseline,
      List<List<BenchDevice>> warmups,
      List<List<BenchDevice>> levels)
      throws SQLException, InterruptedException, ExecutionException, IOException {
    long acceptedAt = System.currentTimeMillis();
    // Each warm-up device pushes copies of what its counterpart in the level pushes, twice over:
    // as many devices at once, the same payloads, so that both JVMs have compiled the level's own
    // per-push paths before it is timed (BENCHMARKS.md, "What is measured, and how").
    Random random = new Random(WARMUP_SEED);
    for (int l = 0; l < levels.size(); l++) {
      List<BenchDevice> warmup = warmups.get(l);
      BenchMain.progress(store + ": warming up with " + warmup.size() + " devices");
      for (int d = 0; d < warmup.size(); d++) {
        warmup.get(d).pushCopiesOf(levels.get(l).get(d).pushes(), WARMUP_TIMES, random);
      }
      pushConcurrently(server, warmup, warmup.stream().map(BenchDevice::pushes).toList());
      insertBaseline(baseline, baselineRows(baseline, warmup, acceptedAt), server);
      warmup.forEach(BenchDevice::dropPushes);
    }
    List<Level> results = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      List<BenchDevice> devices = levels.get(i);
      BenchMain.progress(store + ": pushing from " + devices.size() + " devices at once");
      List<RawLogInsert.DeviceRows> rows = baselineRows(baseline, devices, acceptedAt);
      int batches = devices.stream().mapToInt(device -> device.pushes().size()).min().orElse(0);
      int rounds = Math.max(1, Math.min(ROUNDS, batches));
      long memvaultNanos = 0;
      long baselineNanos = 0;
      List<Double> ratios = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        List<List<PushRequest>> pushes = new ArrayList<>();
        List<RawLogInsert.DeviceRows> roundRows = new ArrayList<>();
        for (int d = 0; d < devices.size(); d++) {
          pushes.add(part(devices.get(d).pushes(), round, rounds));
          RawLogInsert.DeviceRows all = rows.get(d);
          roundRows.add(
              new RawLogInsert.DeviceRows(all.vaultId(), part(all.transactions(), round, rounds)));
        }
        long memvault;
        long raw;
        if ((i + round) % 2 == 0) {
          raw = insertBaseline(baseline, roundRows, server);
          memvault = pushConcurrently(server, devices, pushes);
        } else {
          memvault = pushConcurrently(server, devices, pushes);
          raw = insertBaseline(baseline, roundRows, server);
        }
        memvaultNanos += memvault;
        baselineNanos += raw;
        ratios.add((double) raw / memvault);
      }
      long changes = devices.stream().mapToLong(BenchDevice::changes).sum();
      long bytes = devices.stream().mapToLong(BenchDevice::payloadBytes).sum();
      results.add(new Level(devices.size(), changes, bytes, memvaultNanos, baselineNanos, ratios));
    }
    return new Result(store, results);
  }

  /**
   * Rounds per level: memvault and the baseline take turns on each round's part of every device's
   * pushes (the order alternating), so that both see the machine in the same state. Its disk varied
   * from run to run (the baseline's rate from 44,000 to 88,000 rows/s, the same code, on one
   * afternoon), and with one turn each per level a slow moment fell on one side only.
   */
  static final int ROUNDS = 3;

  /** Part {@code round} of {@code rounds} nearly equal parts of {@code items}, in order. */
  private static <T> List<T> part(List<T> items, int round, int rounds) {
    return items.subList(items.size() * round / rounds, items.size() * (round + 1) / rounds);
  }

  /** How many times over a level's changes its warm-up pushes first. */
  private static final int WARMUP_TIMES = 2;

  private static final long WARMUP_SEED = 20261129;

  /** Compiling less than this in a step (ms of compilation) counts as settled. */
  private static final long SETTLED_COMPILE_MILLIS_PER_STEP = 10;

  private static final Duration SETTLING_STEP = Duration.ofMillis(500);

  private static final Duration MAX_SETTLING = Duration.ofSeconds(60);

  /**
   * Right before a timed phase, once everything for it is set up: waits until neither JVM's JIT
   * compiler is busy, then has the OS write its dirty pages out, so that a timed phase measures
   * neither the JIT compilers (each JVM's C2 thread shares the cores with the work, and signing
   * devices in or the baseline before queues code to compile) nor the writeback of the phase before
   * it.
   */
  private static void settle(ServerProcess server) throws IOException, InterruptedException {
    CompilationMXBean bench = ManagementFactory.getCompilationMXBean();
    long serverBefore = server.compilationMillis();
    long benchBefore = bench.getTotalCompilationTime();
    long deadline = System.nanoTime() + MAX_SETTLING.toNanos();
    while (true) {
      Thread.sleep(SETTLING_STEP.toMillis());
      long serverNow = server.compilationMillis();
      long benchNow = bench.getTotalCompilationTime();
      if (serverNow - serverBefore < SETTLED_COMPILE_MILLIS_PER_STEP
          && benchNow - benchBefore < SETTLED_COMPILE_MILLIS_PER_STEP) {
        break;
      }
      if (System.nanoTime() > deadline) {
        BenchMain.progress("the JIT compilers were still busy after " + MAX_SETTLING);
        break;
      }
      serverBefore = serverNow;
      benchBefore = benchNow;
    }
    OsPageCache.flushDirtyPages();
  }

  /**
   * Signs every device in, then times from the start signal until the last push returned; device d
   * pushes {@code pushes.get(d)}.
   */
  private static long pushConcurrently(
      ServerProcess server, List<BenchDevice> devices, List<List<PushRequest>> pushes)
      throws InterruptedException, ExecutionException, IOException {
    List<ManagedChannel> channels = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(devices.size());
    try {
      List<SyncServiceGrpc.SyncServiceStub> stubs = new ArrayList<>();
      for (BenchDevice device : devices) {
        ManagedChannel channel = DeviceSession.channel(server.port());
        channels.add(channel);
        SyncServiceGrpc.SyncServiceBlockingStub signedIn =
            DeviceSession.blocking(channel, DeviceSession.signIn(channel, device.replica()));
        stubs.add(SyncServiceGrpc.newStub(signedIn.getChannel())); // with its sign-in header
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      for (int d = 0; d < devices.size(); d++) {
        SyncServiceGrpc.SyncServiceStub stub = stubs.get(d);
        Iterator<PushRequest> next = pushes.get(d).iterator();
        running.add(
            threads.submit(
                () -> {
                  start.await();
                  PushPipeline.run(
                      stub,
                      SyncClient.PUSH_WINDOW,
                      Duration.ofMinutes(2),
                      () -> next.hasNext() ? Optional.of(next.next()) : Optional.empty(),
                      (push, response) -> {
                        if (response.getEntriesCount() != push.getChangesCount()) {
                          throw new IllegalStateException("the server stored part of a push");
                        }
                      });
                  return null;
                }));
      }
      settle(server);
      BenchMain.progress("  " + devices.size() + " devices pushing");
      long begin = System.nanoTime();
      start.countDown();
      for (Future<?> future : running) {
        future.get();
      }
      return System.nanoTime() - begin;
    } finally {
      threads.shutdownNow();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** The rows of the devices' pushes, their vaults added to the baseline's database. Not timed. */
  private static List<RawLogInsert.DeviceRows> baselineRows(
      RawLogInsert baseline, List<BenchDevice> devices, long acceptedAt) throws SQLException {
    List<RawLogInsert.DeviceRows> rows = new ArrayList<>();
    for (BenchDevice device : devices) {
      RawLogInsert.DeviceRows deviceRows = RawLogInsert.rows(device, acceptedAt);
      baseline.addVault(deviceRows.vaultId());
      rows.add(deviceRows);
    }
    return rows;
  }

  /** Times the inserts of {@code rows}, device after device. */
  private static long insertBaseline(
      RawLogInsert baseline, List<RawLogInsert.DeviceRows> rows, ServerProcess server)
      throws SQLException, IOException, InterruptedException {
    settle(server);
    BenchMain.progress("  the baseline inserting " + rows.size() + " devices' rows");
    long begin = System.nanoTime();
    for (RawLogInsert.DeviceRows deviceRows : rows) {
      baseline.insert(deviceRows);
    }
    return System.nanoTime() - begin;
  }
}
