package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.LogChain;
import dev.memvault.server.limits.Limits;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PushStream: batches sent without waiting are stored in the order sent and answered in order; the
 * first refused batch ends the call, and nothing sent after it is stored.
 */
class PushStreamTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice device = TestDevice.newVault();

  @Test
  void manyBatchesSentAtOnce_storedAndAnsweredInOrder_aSecondStreamStoresNothingAgain()
      throws Exception {
    String token = fixture.registered(device);
    List<PushRequest> batches = new ArrayList<>();
    for (int b = 0; b < 12; b++) {
      batches.add(request(device.changes(b * 5L + 1, b * 5L + 5)));
    }

    Outcome first = pushAll(token, batches);

    assertEquals(null, first.failure());
    assertEquals(12, first.answers().size());
    for (int b = 0; b < 12; b++) {
      PushResponse answer = first.answers().get(b);
      assertEquals(batches.get(b).getChangesList(), changesOf(answer), "batch " + b);
      assertEquals(b * 5L + 1, answer.getEntries(0).getSeq());
    }
    List<LogEntry> log = pulled(token);
    assertEquals(60, log.size());
    LogChain.verifyExtends(LogChain.emptyHead(), log, device.vaultId);
    for (int i = 0; i < 60; i++) {
      assertEquals(
          ByteString.copyFrom(TestDevice.changeId(i + 1)), log.get(i).getChange().getChangeId());
    }

    Outcome again = pushAll(token, batches);

    assertEquals(null, again.failure());
    for (int b = 0; b < 12; b++) {
      assertEquals(
          first.answers().get(b).getEntriesList(), again.answers().get(b).getEntriesList());
    }
    assertEquals(60, pulled(token).size());
  }

  @Test
  void badSignatureInTheThirdBatch_twoAnsweredThenRefused_laterBatchesNotStored() throws Exception {
    String token = fixture.registered(device);
    List<Change> forged = new ArrayList<>(device.changes(7, 9));
    forged.set(1, forged.get(1).toBuilder().setPayload(ByteString.copyFromUtf8("forged")).build());
    List<PushRequest> batches =
        List.of(
            request(device.changes(1, 3)),
            request(device.changes(4, 6)),
            request(forged),
            request(device.changes(10, 12)),
            request(device.changes(13, 15)));

    Outcome outcome = pushAll(token, batches);

    assertEquals(2, outcome.answers().size());
    assertRefused(ErrorReason.BAD_CHANGE_SIGNATURE, outcome.failure());
    assertEquals(6, pulled(token).size());
  }

  @Test
  void quotaReachedByTheSecondBatch_firstStoredAlone() throws Exception {
    // Each change counts its payload (1000), signature (69) and batch proof: about 1.1 KB.
    fixture.start(Limits.builder().maxBytesPerVault(3 * 1100).build());
    String token = fixture.registered(device);
    List<PushRequest> batches = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      List<Change> changes = new ArrayList<>();
      for (long n = b * 2L + 1; n <= b * 2L + 2; n++) {
        changes.add(device.unsigned(n, new byte[1000]));
      }
      batches.add(request(device.signedBatch(changes)));
    }

    Outcome outcome = pushAll(token, batches);

    assertEquals(1, outcome.answers().size());
    assertRefused(ErrorReason.QUOTA_EXCEEDED, outcome.failure());
    assertEquals(2, pulled(token).size());
  }

  @Test
  void changeOfAnotherDevice_refusedBeforeAnythingIsStored() throws Exception {
    String token = fixture.registered(device);
    TestDevice other = device.sibling();

    Outcome outcome =
        pushAll(token, List.of(request(other.changes(1, 2)), request(device.changes(3, 4))));

    assertEquals(0, outcome.answers().size());
    assertRefused(ErrorReason.WRONG_DEVICE, outcome.failure());
    assertEquals(0, pulled(token).size());
  }

  @Test
  void withoutSessionToken_unauthenticated() throws Exception {
    fixture.registered(device);

    Outcome outcome =
        pushAll(SyncServiceGrpc.newStub(fixture.channel()), List.of(request(device.changes(1, 2))));

    assertEquals(0, outcome.answers().size());
    StatusRuntimeException refused =
        assertInstanceOf(StatusRuntimeException.class, outcome.failure());
    assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
  }

  @Test
  void sixDevicesAtOnceThroughABudgetOfOneBatch_eachStoredWholeAndInOrder() throws Exception {
    fixture.start(config -> config.pushBatchesHeld(1));
    List<TestDevice> devices = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (int d = 0; d < 6; d++) {
      TestDevice each = TestDevice.newVault();
      devices.add(each);
      tokens.add(fixture.registered(each));
    }
    ExecutorService pool = Executors.newFixedThreadPool(devices.size());
    try {
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (int d = 0; d < devices.size(); d++) {
        TestDevice each = devices.get(d);
        String token = tokens.get(d);
        List<PushRequest> batches = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
          batches.add(request(each.changes(b * 5L + 1, b * 5L + 5)));
        }
        outcomes.add(pool.submit(() -> pushAll(token, batches)));
      }
      for (int d = 0; d < devices.size(); d++) {
        Outcome outcome = outcomes.get(d).get(1, TimeUnit.MINUTES);
        assertEquals(null, outcome.failure(), "device " + d);
        assertEquals(8, outcome.answers().size(), "device " + d);
        List<LogEntry> log = pulled(tokens.get(d));
        assertEquals(40, log.size());
        LogChain.verifyExtends(LogChain.emptyHead(), log, devices.get(d).vaultId);
        for (int i = 0; i < 40; i++) {
          assertEquals(
              ByteString.copyFrom(TestDevice.changeId(i + 1)),
              log.get(i).getChange().getChangeId());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * With room for one batch in the whole server, streams that end without sending, or are cancelled
   * after sending, give their places back: the next device's push still goes through.
   */
  @Test
  void streamsEndedEmptyOrCancelled_giveTheirPlacesBack() throws Exception {
    fixture.start(config -> config.pushBatchesHeld(1));
    String token = fixture.registered(device);

    StreamObserver<PushRequest> empty = fixture.asyncSync(token).pushStream(ignoring());
    empty.onCompleted();
    StreamObserver<PushRequest> cancelled = fixture.asyncSync(token).pushStream(ignoring());
    cancelled.onNext(request(device.changes(1, 2)));
    cancelled.onError(new IllegalStateException("the device gave up"));
    StreamObserver<PushRequest> silent = fixture.asyncSync(token).pushStream(ignoring());
    silent.onError(new IllegalStateException("the device gave up before sending"));

    Outcome outcome =
        pushAll(token, List.of(request(device.changes(1, 3)), request(device.changes(4, 6))));

    assertEquals(null, outcome.failure());
    assertEquals(2, outcome.answers().size());
    assertEquals(6, pulled(token).size());
    // Every place is back once the streams are done (the last goes back just after the answer).
    List<String> metrics = List.of();
    for (int tries = 0; tries < 200; tries++) {
      metrics = fixture.server().metrics().prometheusText().lines().toList();
      if (metrics.contains("memvault_push_buffer_used 0")) {
        break;
      }
      Thread.sleep(50);
    }
    assertTrue(metrics.contains("memvault_push_buffer_used 0"), metrics.toString());
    assertTrue(metrics.contains("memvault_push_buffer_waiting 0"), metrics.toString());
  }

  private static StreamObserver<PushResponse> ignoring() {
    return new StreamObserver<>() {
      @Override
      public void onNext(PushResponse response) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  /** What one stream got back: the answers in order, then the error that ended it, if any. */
  private record Outcome(List<PushResponse> answers, Throwable failure) {}

  private Outcome pushAll(String token, List<PushRequest> batches) throws InterruptedException {
    return pushAll(fixture.asyncSync(token), batches);
  }

  /** Sends every batch without waiting for an answer, then half-closes and reads to the end. */
  private static Outcome pushAll(SyncServiceGrpc.SyncServiceStub stub, List<PushRequest> batches)
      throws InterruptedException {
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Object end = new Object();
    StreamObserver<PushRequest> requests =
        stub.pushStream(
            new StreamObserver<>() {
              @Override
              public void onNext(PushResponse response) {
                events.add(response);
              }

              @Override
              public void onError(Throwable t) {
                events.add(t);
              }

              @Override
              public void onCompleted() {
                events.add(end);
              }
            });
    for (PushRequest batch : batches) {
      requests.onNext(batch);
    }
    requests.onCompleted();
    List<PushResponse> answers = new ArrayList<>();
    while (true) {
      Object event = events.poll(30, TimeUnit.SECONDS);
      assertNotNull(event, "the stream neither answered nor ended");
      if (event instanceof PushResponse answer) {
        answers.add(answer);
      } else if (event instanceof Throwable failure) {
        return new Outcome(answers, failure);
      } else {
        return new Outcome(answers, null);
      }
    }
  }

  private static void assertRefused(ErrorReason reason, Throwable failure) {
    StatusRuntimeException refused = assertInstanceOf(StatusRuntimeException.class, failure);
    assertEquals(reason.name(), refused.getTrailers().get(ErrorReason.TRAILER_KEY));
  }

  private static PushRequest request(List<Change> changes) {
    return PushRequest.newBuilder().addAllChanges(changes).build();
  }

  private static List<Change> changesOf(PushResponse answer) {
    return answer.getEntriesList().stream().map(LogEntry::getChange).toList();
  }

  private List<LogEntry> pulled(String token) {
    List<LogEntry> entries = new ArrayList<>();
    fixture
        .sync(token)
        .pull(PullRequest.newBuilder().setPageSize(500).build())
        .forEachRemaining(page -> entries.addAll(page.getEntriesList()));
    return entries;
  }
}
