package dev.memvault.bench;

import dev.memvault.core.sync.Replica;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.proto.sync.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Change propagation: a writing device pushes one signed change at a time; a second device of the
 * same vault, linked to it, receives it on its Watch stream. Latency is from just before the Push
 * call to the arrival of that entry. Meanwhile {@code idleStreams} other Watch streams stay open on
 * other vaults, each over a connection of its own, and nothing is written to them. The time the
 * receiving device then takes to pull, verify and apply the change is not included.
 */
final class PropagationBenchmark {
  /** Below the server's default limit of 64 Watch streams per vault. */
  static final int MAX_STREAMS_PER_IDLE_VAULT = 60;

  record Result(
      String store,
      int idleStreams,
      long streamsReported,
      Samples propagationNanos,
      Samples pushNanos,
      int idleStreamErrors,
      ServerProcess.Heap heap) {}

  private record Arrival(long seq, long nanos) {}

  private PropagationBenchmark() {}

  /**
   * @param writer registered with the server, its pushes one change each
   * @param watcher a device linked to the writer's vault; {@code writerSeq} its log head
   * @param idle registered with the server; {@code idleSeqs} their log heads
   */
  static Result run(
      String store,
      ServerProcess server,
      BenchDevice writer,
      Replica watcher,
      long writerSeq,
      List<BenchDevice> idle,
      List<Long> idleSeqs,
      int idleStreams,
      int warmup)
      throws IOException, InterruptedException {
    List<ManagedChannel> channels = new ArrayList<>();
    AtomicInteger idleErrors = new AtomicInteger();
    try {
      BenchMain.progress(store + ": opening " + idleStreams + " idle Watch streams");
      // Spread evenly over the idle vaults: each vault's devices may hold 64 streams at most.
      int perVault = (idleStreams + idle.size() - 1) / idle.size();
      if (perVault > MAX_STREAMS_PER_IDLE_VAULT) {
        throw new IllegalArgumentException(
            idleStreams + " idle streams need more than " + idle.size() + " idle vaults");
      }
      int opened = 0;
      for (int v = 0; v < idle.size() && opened < idleStreams; v++) {
        ManagedChannel first = DeviceSession.channel(server.port());
        channels.add(first);
        Metadata session = DeviceSession.signIn(first, idle.get(v).replica());
        for (int s = 0; s < perVault && opened < idleStreams; s++) {
          ManagedChannel channel = s == 0 ? first : DeviceSession.channel(server.port());
          if (s > 0) {
            channels.add(channel);
          }
          DeviceSession.async(channel, session)
              .watch(
                  WatchRequest.newBuilder().setAfterSeq(idleSeqs.get(v)).build(),
                  new StreamObserver<>() {
                    @Override
                    public void onNext(LogEntry entry) {}

                    @Override
                    public void onError(Throwable t) {
                      idleErrors.incrementAndGet();
                    }

                    @Override
                    public void onCompleted() {}
                  });
          opened++;
        }
      }

      ManagedChannel watching = DeviceSession.channel(server.port());
      channels.add(watching);
      BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
      DeviceSession.async(watching, DeviceSession.signIn(watching, watcher))
          .watch(
              WatchRequest.newBuilder().setAfterSeq(writerSeq).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(LogEntry entry) {
                  arrivals.add(new Arrival(entry.getSeq(), System.nanoTime()));
                }

                @Override
                public void onError(Throwable t) {
                  arrivals.add(new Arrival(-1, System.nanoTime()));
                }

                @Override
                public void onCompleted() {}
              });
      long expected = idleStreams + 1L;
      long reported = waitForStreams(server, expected);

      ManagedChannel writing = DeviceSession.channel(server.port());
      channels.add(writing);
      SyncServiceGrpc.SyncServiceBlockingStub push =
          DeviceSession.blocking(writing, DeviceSession.signIn(writing, writer.replica()));
      BenchMain.progress(store + ": propagating " + writer.pushes().size() + " changes");
      Samples propagation = new Samples();
      Samples acknowledged = new Samples();
      SplittableRandom random = new SplittableRandom(20261128);
      List<PushRequest> pushes = writer.pushes();
      for (int i = 0; i < pushes.size(); i++) {
        // A pause between changes, so that each one finds the server idle, as a person's would.
        Thread.sleep(20 + random.nextInt(20));
        long start = System.nanoTime();
        PushResponse response = push.push(pushes.get(i));
        long ack = System.nanoTime();
        Arrival arrival = arrivals.poll(30, TimeUnit.SECONDS);
        long seq = response.getEntries(0).getSeq();
        if (arrival == null || arrival.seq() != seq) {
          throw new IllegalStateException(
              "the watcher did not receive entry " + seq + " (got " + arrival + ")");
        }
        if (i >= warmup) {
          propagation.add(arrival.nanos() - start);
          acknowledged.add(ack - start);
        }
      }
      long stillOpen = server.metric("memvault_watch_streams_active");
      BenchMain.progress(store + ": reading the server's heap");
      ServerProcess.Heap heap = server.heap();
      return new Result(
          store,
          idleStreams,
          Math.min(reported, stillOpen),
          propagation,
          acknowledged,
          idleErrors.get(),
          heap);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
    }
  }

  /** Polls the server's metrics until it reports {@code expected} open streams (or 2 minutes). */
  static long waitForStreams(ServerProcess server, long expected)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    long open;
    while ((open = server.metric("memvault_watch_streams_active")) < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the server reports " + open + " open Watch streams, expected " + expected);
      }
      Thread.sleep(200);
    }
    return open;
  }
}
