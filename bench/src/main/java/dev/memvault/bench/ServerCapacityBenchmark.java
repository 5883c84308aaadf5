package dev.memvault.bench;

import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.WatchRequest;
import dev.memvault.sdk.sync.PushPipeline;
import dev.memvault.sdk.sync.SyncClient;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server replica holding many vaults, most idle: registers {@code vaults} vaults (each a real
 * RegisterVault with a signed genesis link), holds {@code watchStreams} Watch streams open on idle
 * vaults (each on a connection and a signed-in session of its own), then has {@code pushDevices}
 * devices, each a vault of its own among the registered ones, push at once through PushStream as
 * SyncClient pushes. Reports the server's resident memory at each step and the latency of every
 * push batch, from the moment it was sent to its acknowledgment.
 */
final class ServerCapacityBenchmark {
  /** How many registrations and sign-ins run at once, each over a connection of its own. */
  private static final int SETUP_THREADS = 4;

  private static final long COPY_SEED = 20261208L;

  /** What the run held and measured; memory in bytes, latency in nanoseconds. */
  record Result(
      int vaults,
      long registrationNanos,
      int watchStreams,
      long streamsHeld,
      long streamsHeldAfterPushes,
      int streamErrors,
      int pushDevices,
      long changesPerDevice,
      int warmupBatches,
      Samples batchLatency,
      long pushNanos,
      long residentEmpty,
      long residentRegistered,
      long residentWatching,
      long residentAfterPushes,
      ServerProcess.Heap heap) {}

  private ServerCapacityBenchmark() {}

  /**
   * @param templates batches of one device's real envelopes; each pushing device sends copies of
   *     them under its own ids and signatures ({@link BenchDevice#signedCopies})
   * @param warmupBatches copies of the first template each device pushes before, all devices at
   *     once, not timed
   */
  static Result run(
      ServerProcess server,
      int vaults,
      int watchStreams,
      int pushDevices,
      List<PushRequest> templates,
      int warmupBatches)
      throws Exception {
    if (watchStreams + pushDevices > vaults) {
      throw new IllegalArgumentException(
          "--watch-streams plus --push-devices must not exceed --vaults (one stream per idle"
              + " vault)");
    }
    long residentEmpty = server.residentBytes();
    BenchMain.progress("registering " + vaults + " vaults");
    long begin = System.nanoTime();
    List<RegisteredVault> registered = register(server, vaults);
    long registrationNanos = System.nanoTime() - begin;
    long residentRegistered = server.residentBytes();
    BenchMain.progress(
        String.format(
            Locale.ROOT,
            "registered in %.1f s; server resident %d MiB",
            registrationNanos / 1e9,
            residentRegistered >> 20));

    List<RegisteredVault> pushers = registered.subList(0, pushDevices);
    List<RegisteredVault> idle = registered.subList(pushDevices, registered.size());
    List<ManagedChannel> channels = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger streamErrors = new AtomicInteger();
    try {
      BenchMain.progress("opening " + watchStreams + " Watch streams on idle vaults");
      concurrently(
          idle.subList(0, watchStreams),
          vault -> {
            ManagedChannel channel = DeviceSession.channel(server.port());
            channels.add(channel);
            // A new vault's log is empty: watching after seq 0 waits for its first entry.
            DeviceSession.async(channel, vault.signIn(channel))
                .watch(
                    WatchRequest.newBuilder().setAfterSeq(0).build(), idleObserver(streamErrors));
          });
      long streamsHeld =
          watchStreams == 0 ? 0 : PropagationBenchmark.waitForStreams(server, watchStreams);
      long residentWatching = server.residentBytes();
      BenchMain.progress(
          "server holds "
              + streamsHeld
              + " Watch streams; resident "
              + (residentWatching >> 20)
              + " MiB");

      BenchMain.progress("signing " + pushDevices + " devices' copies of the template pushes");
      Random random = new Random(COPY_SEED);
      List<List<PushRequest>> warmup = new ArrayList<>();
      List<List<PushRequest>> measured = new ArrayList<>();
      for (RegisteredVault pusher : pushers) {
        warmup.add(copies(templates.subList(0, 1), warmupBatches, pusher, random));
        measured.add(copies(templates, 1, pusher, random));
      }
      if (warmupBatches > 0) {
        BenchMain.progress(pushDevices + " devices pushing their warm-up batches");
        pushConcurrently(server, pushers, warmup, new Samples());
      }
      BenchMain.progress(pushDevices + " devices pushing at once");
      Samples latency = new Samples();
      long pushNanos = pushConcurrently(server, pushers, measured, latency);
      long residentAfterPushes = server.residentBytes();
      long streamsAfter = server.metric("memvault_watch_streams_active");
      BenchMain.progress("reading the server's heap");
      ServerProcess.Heap heap = server.heap();
      long changesPerDevice = templates.stream().mapToLong(PushRequest::getChangesCount).sum();
      return new Result(
          vaults,
          registrationNanos,
          watchStreams,
          streamsHeld,
          streamsAfter,
          streamErrors.get(),
          pushDevices,
          changesPerDevice,
          warmupBatches,
          latency,
          pushNanos,
          residentEmpty,
          residentRegistered,
          residentWatching,
          residentAfterPushes,
          heap);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
    }
  }

  private static List<PushRequest> copies(
      List<PushRequest> templates, int times, RegisteredVault device, Random random) {
    return BenchDevice.signedCopies(
        templates, times, device.vaultId(), device.deviceId(), device.signingKey(), random);
  }

  private static List<RegisteredVault> register(ServerProcess server, int vaults) throws Exception {
    List<RegisteredVault> registered = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger count = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(SETUP_THREADS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < SETUP_THREADS; t++) {
        int share = vaults / SETUP_THREADS + (t < vaults % SETUP_THREADS ? 1 : 0);
        running.add(
            threads.submit(
                () -> {
                  ManagedChannel channel = DeviceSession.channel(server.port());
                  try {
                    SecureRandom random = new SecureRandom();
                    for (int i = 0; i < share; i++) {
                      registered.add(RegisteredVault.register(channel, random));
                      int done = count.incrementAndGet();
                      if (done % 1_000 == 0) {
                        BenchMain.progress("  " + done + " vaults registered");
                      }
                    }
                  } finally {
                    channel.shutdownNow();
                  }
                  return null;
                }));
      }
      for (Future<?> future : running) {
        future.get();
      }
    } finally {
      threads.shutdownNow();
    }
    return List.copyOf(registered);
  }

  /** A step done for each item, {@link #SETUP_THREADS} at once. */
  private interface Step<T> {
    void apply(T item) throws Exception;
  }

  private static <T> void concurrently(List<T> items, Step<T> step) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(SETUP_THREADS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (T item : items) {
        running.add(
            threads.submit(
                () -> {
                  step.apply(item);
                  return null;
                }));
      }
      for (Future<?> future : running) {
        future.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static StreamObserver<LogEntry> idleObserver(AtomicInteger errors) {
    return new StreamObserver<>() {
      @Override
      public void onNext(LogEntry entry) {}

      @Override
      public void onError(Throwable t) {
        errors.incrementAndGet();
      }

      @Override
      public void onCompleted() {}
    };
  }

  /**
   * Signs every device in over a connection of its own, then has them all push at once, device d
   * pushing {@code pushes.get(d)} through one PushStream with {@link SyncClient#PUSH_WINDOW}
   * batches on their way; adds each batch's time from send to acknowledgment to {@code latency} and
   * returns the time from the start signal until the last device was done.
   */
  private static long pushConcurrently(
      ServerProcess server,
      List<RegisteredVault> devices,
      List<List<PushRequest>> pushes,
      Samples latency)
      throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(devices.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Samples>> running = new ArrayList<>();
      for (int d = 0; d < devices.size(); d++) {
        ManagedChannel channel = DeviceSession.channel(server.port());
        channels.add(channel);
        var stub = DeviceSession.async(channel, devices.get(d).signIn(channel));
        Iterator<PushRequest> next = pushes.get(d).iterator();
        running.add(
            threads.submit(
                () -> {
                  Samples own = new Samples();
                  // Answers come in the order sent, so the oldest send time is the answered one's.
                  ArrayDeque<Long> sentAt = new ArrayDeque<>();
                  start.await();
                  PushPipeline.run(
                      stub,
                      SyncClient.PUSH_WINDOW,
                      Duration.ofMinutes(5),
                      () -> {
                        if (!next.hasNext()) {
                          return Optional.empty();
                        }
                        sentAt.add(System.nanoTime());
                        return Optional.of(next.next());
                      },
                      (push, response) -> {
                        own.add(System.nanoTime() - sentAt.poll());
                        if (response.getEntriesCount() != push.getChangesCount()) {
                          throw new IllegalStateException("the server stored part of a push");
                        }
                      });
                  return own;
                }));
      }
      long begin = System.nanoTime();
      start.countDown();
      for (Future<Samples> future : running) {
        latency.addAll(future.get());
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
}
