package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PushPipeline against servers over real TCP that answer well, late, too much, too little, or not
 * at all: the caller gets every answer in order or a clear status, never a hang.
 */
class PushPipelineTest {
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void serverHoldsAnswersBack_neverMoreThanTheWindowUnanswered_everyAnswerInOrder()
      throws Exception {
    AtomicInteger mostUnanswered = new AtomicInteger();
    SyncServiceGrpc.SyncServiceStub stub =
        serve(
            answers ->
                new StreamObserver<>() {
                  final ArrayDeque<PushRequest> held = new ArrayDeque<>();

                  @Override
                  public void onNext(PushRequest request) {
                    held.add(request);
                    mostUnanswered.accumulateAndGet(held.size(), Math::max);
                    if (held.size() == 3) { // answers only once the client's window is full
                      answers.onNext(echo(held.poll()));
                    }
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {
                    while (!held.isEmpty()) {
                      answers.onNext(echo(held.poll()));
                    }
                    answers.onCompleted();
                  }
                });
    List<PushRequest> sent = requests(10);
    List<String> answered = new ArrayList<>();

    PushPipeline.run(
        stub,
        3,
        Duration.ofSeconds(10),
        source(sent),
        (request, response) -> {
          assertEquals(request.getChangesCount(), response.getEntriesCount());
          answered.add(tag(request) + "=" + tag(response));
        });

    assertEquals(
        IntStream.range(0, 10).mapToObj(i -> i + "=" + i).toList(),
        answered,
        "in order, each once");
    assertEquals(3, mostUnanswered.get());
  }

  @Test
  void serverEndsBeforeAnsweringAll_internalAndOnlyTheAnsweredAreGiven() throws Exception {
    SyncServiceGrpc.SyncServiceStub stub =
        serve(
            answers -> {
              AtomicInteger received = new AtomicInteger();
              return receiving(
                  request -> {
                    if (received.incrementAndGet() == 1) {
                      answers.onNext(echo(request));
                    } else if (received.get() == 2) {
                      answers.onCompleted();
                    }
                  },
                  () -> {});
            });
    List<String> answered = new ArrayList<>();

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                PushPipeline.run(
                    stub,
                    4,
                    Duration.ofSeconds(10),
                    source(requests(5)),
                    (request, response) -> answered.add(tag(request))));

    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("before answering every batch"));
    assertEquals(List.of("0"), answered);
  }

  @Test
  void serverAnswersABatchNeverSent_internal() throws Exception {
    SyncServiceGrpc.SyncServiceStub stub =
        serve(
            answers ->
                receiving(
                    request -> {
                      answers.onNext(echo(request));
                      answers.onNext(echo(request));
                    },
                    () -> {}));

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                PushPipeline.run(
                    stub,
                    1,
                    Duration.ofSeconds(10),
                    source(requests(1)),
                    (request, response) -> {}));

    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("not sent"));
  }

  @Test
  void serverNeverAnswers_deadlineExceededAfterTheAnswerTimeout() throws Exception {
    SyncServiceGrpc.SyncServiceStub stub = serve(answers -> receiving(request -> {}, () -> {}));

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                PushPipeline.run(
                    stub,
                    2,
                    Duration.ofMillis(300),
                    source(requests(3)),
                    (request, response) -> {}));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
  }

  @Test
  void serverRefusesTheSecondBatch_firstAnsweredThenTheRefusalItself() throws Exception {
    SyncServiceGrpc.SyncServiceStub stub =
        serve(
            answers -> {
              AtomicInteger received = new AtomicInteger();
              return receiving(
                  request -> {
                    if (received.incrementAndGet() == 1) {
                      answers.onNext(echo(request));
                    } else {
                      answers.onError(
                          Status.RESOURCE_EXHAUSTED.withDescription("quota").asRuntimeException());
                    }
                  },
                  () -> {});
            });
    List<String> answered = new ArrayList<>();

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                PushPipeline.run(
                    stub,
                    4,
                    Duration.ofSeconds(10),
                    source(requests(6)),
                    (request, response) -> answered.add(tag(request))));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals("quota", e.getStatus().getDescription());
    assertEquals(List.of("0"), answered);
  }

  @Test
  void nothingToPush_noBatchSentAndTheCallEnds() throws Exception {
    AtomicInteger received = new AtomicInteger();
    SyncServiceGrpc.SyncServiceStub stub =
        serve(answers -> receiving(request -> received.incrementAndGet(), answers::onCompleted));
    List<PushRequest> answered = new ArrayList<>();

    PushPipeline.run(
        stub,
        4,
        Duration.ofSeconds(10),
        Optional::empty,
        (request, response) -> answered.add(request));

    assertEquals(0, received.get());
    assertFalse(answered.iterator().hasNext());
  }

  /** A server's side of a PushStream call: what it does with each batch and with the end. */
  private static StreamObserver<PushRequest> receiving(
      Consumer<PushRequest> onBatch, Runnable onHalfClose) {
    return new StreamObserver<>() {
      @Override
      public void onNext(PushRequest request) {
        onBatch.accept(request);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        onHalfClose.run();
      }
    };
  }

  /** Starts a server on 127.0.0.1 whose PushStream is {@code behaviour}; returns a stub for it. */
  private SyncServiceGrpc.SyncServiceStub serve(
      Function<StreamObserver<PushResponse>, StreamObserver<PushRequest>> behaviour)
      throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new SyncServiceGrpc.SyncServiceImplBase() {
                  @Override
                  public StreamObserver<PushRequest> pushStream(
                      StreamObserver<PushResponse> responses) {
                    return behaviour.apply(responses);
                  }
                })
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    return SyncServiceGrpc.newStub(channel);
  }

  /** Batches tagged 0..n-1 (the tag rides in the first change's record id's length). */
  private static List<PushRequest> requests(int n) {
    List<PushRequest> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      requests.add(
          PushRequest.newBuilder()
              .addChanges(
                  dev.memvault.proto.sync.v1.Change.newBuilder()
                      .setRecordId(com.google.protobuf.ByteString.copyFrom(new byte[i])))
              .build());
    }
    return requests;
  }

  private static String tag(PushRequest request) {
    return String.valueOf(request.getChanges(0).getRecordId().size());
  }

  private static String tag(PushResponse response) {
    return String.valueOf(response.getEntries(0).getChange().getRecordId().size());
  }

  private static PushResponse echo(PushRequest request) {
    PushResponse.Builder response = PushResponse.newBuilder();
    for (dev.memvault.proto.sync.v1.Change change : request.getChangesList()) {
      response.addEntriesBuilder().setChange(change);
    }
    return response.build();
  }

  private static PushPipeline.Source source(List<PushRequest> requests) {
    Iterator<PushRequest> next = requests.iterator();
    return () -> next.hasNext() ? Optional.of(next.next()) : Optional.empty();
  }
}
