package dev.memvault.server.sync;

import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.server.errors.GrpcErrors;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One PushStream call. Each batch is checked as it arrives, on the call's own thread, and stored
 * on the store pool strictly after the batch before it: the checks of later batches (the CPU
 * part: signatures, hashes) overlap with the storing of earlier ones (the database part), and a
 * device with a backlog keeps the server busy instead of waiting a round trip per batch.
 *
 * <p>Order is the point: a batch is stored only once every batch before it is, and a batch that
 * fails (a check, the quota, the store) ends the call with its error, answered after every batch
 * before it, and nothing after it is stored. A later batch may depend on an earlier one (a scope's
 * key record before the memories sealed under it).
 *
 * <p>gRPC is asked for at most {@link #AHEAD} batches beyond those stored, so a fast client is held
 * back by flow control, not buffered.
 */
final class PushStream implements StreamObserver<PushRequest> {
  /** Batches read beyond those stored: enough to keep the store busy, bounded in memory. */
  static final int AHEAD = 2;

  /** What a stream does with one batch; both parts may throw what Push throws. */
  interface Batches {
    /** Everything that needs no store: run on the call's thread as the batch arrives. */
    void check(PushRequest request);

    /** Stores a checked batch and returns Push's answer. */
    PushResponse store(PushRequest request);
  }

  private final ServerCallStreamObserver<PushResponse> responses;
  private final Batches batches;
  private final Executor storePool;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean cancelled;
  // Touched only by onNext and onCompleted, which gRPC never runs at the same time.
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  PushStream(
      ServerCallStreamObserver<PushResponse> responses, Batches batches, Executor storePool) {
    this.responses = responses;
    this.batches = batches;
    this.storePool = storePool;
    responses.disableAutoRequest();
    responses.setOnCancelHandler(() -> cancelled = true);
    responses.request(AHEAD);
  }

  @Override
  public void onNext(PushRequest request) {
    if (ended.get()) {
      return;
    }
    RuntimeException refused = null;
    try {
      batches.check(request);
    } catch (RuntimeException e) {
      refused = e;
    }
    RuntimeException failure = refused;
    tail =
        tail.thenRunAsync(
            () -> {
              if (failure != null) {
                throw failure;
              }
              if (cancelled) {
                return; // the client is gone; what it sent is retried or was never acknowledged
              }
              PushResponse answer = batches.store(request);
              if (!cancelled) {
                responses.onNext(answer);
                responses.request(1);
              }
            },
            storePool);
    // The first failure ends the call; the batches queued after it are skipped by the chain.
    tail.whenComplete(
        (ignored, e) -> {
          if (e != null) {
            end(e instanceof CompletionException ? e.getCause() : e);
          }
        });
  }

  @Override
  public void onError(Throwable t) {
    cancelled = true;
  }

  @Override
  public void onCompleted() {
    tail.thenRun(
        () -> {
          if (ended.compareAndSet(false, true) && !cancelled) {
            responses.onCompleted();
          }
        });
  }

  private void end(Throwable failure) {
    if (!ended.compareAndSet(false, true) || cancelled) {
      return;
    }
    GrpcErrors.fail(responses, "PushStream", failure);
  }
}
