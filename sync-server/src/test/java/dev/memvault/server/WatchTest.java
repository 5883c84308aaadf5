package dev.memvault.server;

import static dev.memvault.server.Rejections.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.LogChain;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Watch: backlog, live entries, many idle streams, slow readers, and the end of a stream. */
class WatchTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice device = TestDevice.newVault();

  @Test
  void watch_backlogThenLive_everyEntryOnceInOrderWithVerifyingChain() throws Exception {
    String token = fixture.registered(device);
    push(token, device.changes(1, 3));

    WatchStream watch = WatchStream.open(fixture.asyncSync(token), 0);
    List<LogEntry> seen = new ArrayList<>(watch.next(3, 1));
    push(token, device.changes(4, 5));
    seen.addAll(watch.next(2, 4));
    push(token, device.changes(4, 6)); // 4 and 5 again: only 6 is new
    seen.addAll(watch.next(1, 6));

    LogChain.verifyExtends(LogChain.emptyHead(), seen, device.vaultId);
    assertNull(watch.entries.poll(200, TimeUnit.MILLISECONDS));
    watch.cancel();
  }

  @Test
  void watch_afterSeq_startsAfterIt() throws Exception {
    String token = fixture.registered(device);
    push(token, device.changes(1, 4));

    WatchStream watch = WatchStream.open(fixture.asyncSync(token), 2);

    watch.next(2, 3);
    push(token, device.changes(5, 5));
    watch.next(1, 5);
    watch.cancel();
  }

  @Test
  void watch_afterSeqAheadOfLog_waitsUntilLogPassesIt() throws Exception {
    String token = fixture.registered(device);
    push(token, device.changes(1, 1));

    WatchStream watch = WatchStream.open(fixture.asyncSync(token), 3);
    push(token, device.changes(2, 3));
    assertNull(watch.entries.poll(200, TimeUnit.MILLISECONDS));
    push(token, device.changes(4, 4));

    watch.next(1, 4);
    watch.cancel();
  }

  @Test
  void watch_onlyTheCallersVault() throws Exception {
    String token = fixture.registered(device);
    TestDevice other = TestDevice.newVault();
    String otherToken = fixture.registered(other);
    WatchStream watch = WatchStream.open(fixture.asyncSync(token), 0);

    push(otherToken, other.changes(1, 3));
    push(token, device.changes(1, 1));

    assertEquals(device.device(), watch.next().getChange().getDeviceId());
    assertNull(watch.entries.poll(200, TimeUnit.MILLISECONDS));
    watch.cancel();
  }

  @Test
  void watch_thousandIdleStreams_noThreadPerStreamAndAllGetTheNextEntry() throws Exception {
    // Fixed pools on both sides instead of gRPC's default cached ones: a cached pool adds a thread
    // whenever a task arrives while its threads are busy, which on a loaded machine a burst of
    // 1000 streams does, so counting its threads measured the machine rather than the server. A
    // server that kept a thread per stream would now either stall (all 8 threads held, so later
    // streams never get their entry) or make its own threads, which the count still sees.
    ExecutorService serverThreads = fixture.track(Executors.newFixedThreadPool(8));
    ExecutorService clientThreads = fixture.track(Executors.newFixedThreadPool(4));
    ServerConfig config =
        fixture.defaults().limits(Limits.builder().maxWatchesPerVault(1000).build()).build();
    String name = InProcessServerBuilder.generateName();
    SyncServer server =
        fixture.startServer(
            InProcessServerBuilder.forName(name).executor(serverThreads),
            EmbeddedSyncStore.open(fixture.newDirectory(), config.limits().storeLimits()),
            config);
    ManagedChannel channel =
        fixture.track(InProcessChannelBuilder.forName(name).executor(clientThreads).build());
    String token = device.register(AuthServiceGrpc.newBlockingStub(channel));
    SyncServiceGrpc.SyncServiceBlockingStub sync =
        ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel), token);
    sync.push(PushRequest.newBuilder().addAllChanges(device.changes(1, 1)).build());
    SyncServiceGrpc.SyncServiceStub stub =
        ServerFixture.withToken(SyncServiceGrpc.newStub(channel), token);
    int threadsBefore = Thread.activeCount();

    List<WatchStream> watches = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      watches.add(WatchStream.open(stub, 0));
    }
    for (WatchStream watch : watches) {
      watch.next(1, 1);
    }
    assertTrue(server.metrics().prometheusText().contains("memvault_watch_streams_active 1000\n"));
    int threadsWithIdleStreams = Thread.activeCount();

    sync.push(PushRequest.newBuilder().addAllChanges(device.changes(2, 2)).build());
    for (WatchStream watch : watches) {
      watch.next(1, 2);
    }

    assertTrue(
        threadsWithIdleStreams - threadsBefore < 100,
        "threads: " + threadsBefore + " before, " + threadsWithIdleStreams + " with 1000 streams");
    watches.forEach(WatchStream::cancel);
  }

  @Test
  void watch_clientReadsSlowly_getsEverythingInOrder() throws Exception {
    String token = fixture.registered(device);
    WatchStream slow = WatchStream.open(fixture.asyncSync(token), 0, true);
    int total = 300;
    for (int n = 1; n <= total; n += 50) {
      List<Change> batch = new ArrayList<>();
      for (int i = n; i < n + 50; i++) {
        batch.add(device.change(i, new byte[16 * 1024]));
      }
      push(token, batch);
    }

    List<LogEntry> seen = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      seen.add(slow.next());
      if (i < 20) {
        Thread.sleep(5); // a client busy with something else at first
      }
      slow.request(1);
    }

    assertEquals(total, seen.get(total - 1).getSeq());
    LogChain.verifyExtends(LogChain.emptyHead(), seen, device.vaultId);
    slow.cancel();
  }

  @Test
  void watch_cancelledByClient_noLongerCounted() throws Exception {
    String token = fixture.registered(device);
    WatchStream watch = WatchStream.open(fixture.asyncSync(token), 0);
    push(token, device.changes(1, 1));
    watch.next(1, 1);
    assertTrue(
        fixture.server().metrics().prometheusText().contains("memvault_watch_streams_active 1\n"));

    watch.cancel();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!fixture
        .server()
        .metrics()
        .prometheusText()
        .contains("memvault_watch_streams_active 0\n")) {
      assertTrue(System.nanoTime() < deadline, "the cancelled stream is still counted");
      Thread.sleep(10);
    }
  }

  @Test
  void watch_moreThanVaultAllows_tooManyWatches() throws Exception {
    fixture.start(Limits.builder().maxWatchesPerVault(2).build());
    String token = fixture.registered(device);
    WatchStream first = WatchStream.open(fixture.asyncSync(token), 0);
    WatchStream second = WatchStream.open(fixture.asyncSync(token), 0);
    push(token, device.changes(1, 1));
    first.next(1, 1);
    second.next(1, 1);

    WatchStream third = WatchStream.open(fixture.asyncSync(token), 0);

    assertStatus(ErrorReason.TOO_MANY_WATCHES, third.awaitEnd());
    first.cancel();
    second.cancel();
  }

  @Test
  void watch_serverShutsDown_streamEndsUnavailableShuttingDown() throws Exception {
    // A grace period far longer than any shutdown takes, even on a loaded machine: a close that
    // waited for it (a Watch stream holding shutdown) is then told apart from a slow one.
    Duration grace = Duration.ofSeconds(120);
    fixture.start(config -> config.shutdownGrace(grace));
    String token = fixture.registered(device);
    WatchStream watch = WatchStream.open(fixture.asyncSync(token), 0);
    push(token, device.changes(1, 1));
    watch.next(1, 1);

    long start = System.nanoTime();
    fixture.server().close();
    Duration closing = Duration.ofNanos(System.nanoTime() - start);

    assertStatus(ErrorReason.SHUTTING_DOWN, watch.awaitEnd());
    assertTrue(
        closing.compareTo(grace.dividedBy(2)) < 0,
        "Watch streams must not hold shutdown for the grace period; close took " + closing);
  }

  private PushResponse push(String token, List<Change> changes) {
    return fixture.sync(token).push(PushRequest.newBuilder().addAllChanges(changes).build());
  }
}
