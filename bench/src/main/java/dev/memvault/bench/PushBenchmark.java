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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Push throughput: devices push their signed changes to the real server at the same time, each
 * over its own connection through one PushStream with {@link SyncClient#PUSH_WINDOW} batches on
 * their way at once (PushPipeline, as SyncClient pushes); next to
 * the raw JDBC insert of the same rows into the same kind of store ({@link RawLogInsert}). Each
 * concurrency level has devices of its own (the server's rate buckets are per device), and the
 * baseline and memvault take turns level by level, the order alternating.
 */
final class PushBenchmark {
  /** One concurrency level: what was pushed and how long memvault and the baseline took. */
  record Level(int devices, long changes, long payloadBytes, long memvaultNanos, long baselineNanos) {
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
   *     per level, as many devices pushing as many changes
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
    for (List<BenchDevice> warmup : warmups) {
      BenchMain.progress(store + ": warming up with " + warmup.size() + " devices");
      pushConcurrently(server, warmup);
      insertBaseline(baseline, warmup, acceptedAt);
    }
    waitForCompilers(store, server);
    List<Level> results = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      List<BenchDevice> devices = levels.get(i);
      BenchMain.progress(store + ": pushing from " + devices.size() + " devices at once");
      long memvaultNanos;
      long baselineNanos;
      if (i % 2 == 0) {
        baselineNanos = insertBaseline(baseline, devices, acceptedAt);
        memvaultNanos = pushConcurrently(server, devices);
      } else {
        memvaultNanos = pushConcurrently(server, devices);
        baselineNanos = insertBaseline(baseline, devices, acceptedAt);
      }
      long changes = devices.stream().mapToLong(BenchDevice::changes).sum();
      long bytes = devices.stream().mapToLong(BenchDevice::payloadBytes).sum();
      results.add(new Level(devices.size(), changes, bytes, memvaultNanos, baselineNanos));
    }
    return new Result(store, results);
  }

  /** Compiling slower than this (ms of compilation per second) counts as settled. */
  private static final long SETTLED_COMPILE_MILLIS_PER_SECOND = 20;

  private static final Duration MAX_SETTLING = Duration.ofSeconds(60);

  /**
   * Waits until neither JVM compiles any more what the warm-up made hot. Each has one C2 thread,
   * which shares the two cores with the work: right after the warm-up its queue still held the
   * server's own per-push methods (append, check, insertEntries were compiled at the end of a
   * measured level, 05:35), so a level measured then timed the compilers and interpreted code.
   */
  private static void waitForCompilers(String store, ServerProcess server)
      throws IOException, InterruptedException {
    BenchMain.progress(store + ": waiting for both JVMs to finish compiling");
    CompilationMXBean bench = ManagementFactory.getCompilationMXBean();
    long serverBefore = server.compilationMillis();
    long benchBefore = bench.getTotalCompilationTime();
    long deadline = System.nanoTime() + MAX_SETTLING.toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long serverNow = server.compilationMillis();
      long benchNow = bench.getTotalCompilationTime();
      if (serverNow - serverBefore < SETTLED_COMPILE_MILLIS_PER_SECOND
          && benchNow - benchBefore < SETTLED_COMPILE_MILLIS_PER_SECOND) {
        return;
      }
      serverBefore = serverNow;
      benchBefore = benchNow;
    }
    BenchMain.progress(store + ": the JIT compilers were still busy after " + MAX_SETTLING);
  }

  /** Signs every device in, then times from the start signal until the last push returned. */
  private static long pushConcurrently(ServerProcess server, List<BenchDevice> devices)
      throws InterruptedException, ExecutionException {
    List<ManagedChannel> channels = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(devices.size());
    try {
      List<SyncServiceGrpc.SyncServiceStub> stubs = new ArrayList<>();
      for (BenchDevice device : devices) {
        ManagedChannel channel = DeviceSession.channel(server.port());
        channels.add(channel);
        SyncServiceGrpc.SyncServiceBlockingStub signedIn =
            DeviceSession.blocking(channel, DeviceSession.signIn(channel, device.engine()));
        stubs.add(SyncServiceGrpc.newStub(signedIn.getChannel())); // with its sign-in header
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      for (int d = 0; d < devices.size(); d++) {
        SyncServiceGrpc.SyncServiceStub stub = stubs.get(d);
        Iterator<PushRequest> pushes = devices.get(d).pushes().iterator();
        running.add(
            threads.submit(
                () -> {
                  start.await();
                  PushPipeline.run(
                      stub,
                      SyncClient.PUSH_WINDOW,
                      Duration.ofMinutes(2),
                      () -> pushes.hasNext() ? Optional.of(pushes.next()) : Optional.empty(),
                      (push, response) -> {
                        if (response.getEntriesCount() != push.getChangesCount()) {
                          throw new IllegalStateException("the server stored part of a push");
                        }
                      });
                  return null;
                }));
      }
      OsPageCache.flushDirtyPages();
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

  /** Builds the rows and the vault rows first, then times the inserts alone. */
  private static long insertBaseline(
      RawLogInsert baseline, List<BenchDevice> devices, long acceptedAt) throws SQLException {
    List<RawLogInsert.DeviceRows> rows = new ArrayList<>();
    for (BenchDevice device : devices) {
      RawLogInsert.DeviceRows deviceRows = RawLogInsert.rows(device, acceptedAt);
      baseline.addVault(deviceRows.vaultId());
      rows.add(deviceRows);
    }
    OsPageCache.flushDirtyPages();
    long begin = System.nanoTime();
    for (RawLogInsert.DeviceRows deviceRows : rows) {
      baseline.insert(deviceRows);
    }
    return System.nanoTime() - begin;
  }
}
