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
 * One PushStream call. Each batch is checked as it arrives, on the call's own thread, and stored on
 * the store pool strictly after the batch before it: the checks of later batches (the CPU part:
 * signatures, hashes) overlap with the storing of earlier ones (the database part), and a device
 * with a backlog keeps the server busy instead of waiting a round trip per batch.
 *
 * <p>Order is the point: a batch is stored only once every batch before it is, and a batch that
 * fails (a check, the quota, the store) ends the call with its error, answered after every batch
 * before it, and nothing after it is stored. A later batch may depend on an earlier one (a scope's
 * key record before the memories sealed under it).
 *
 * <p>gRPC is asked for at most {@link #AHEAD} batches beyond those stored, and for each only once
 * the server-wide {@link PushBudget} has a place for it, so a fast client, or many at once, are
 * held back by flow control, not buffered.
 */
final class PushStream implements StreamObserver<PushRequest> {
  /** Batches one stream reads beyond those stored: enough to keep the store busy. */
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
  private final PushBudget budget;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean cancelled;
  // Places held for batches asked of gRPC and not arrived yet, and whether the stream reads on.
  private final Object places = new Object();
  private int awaited;
  private boolean reading = true;
  // Touched only by onNext and onCompleted, which gRPC never runs at the same time.
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  PushStream(
      ServerCallStreamObserver<PushResponse> responses,
      Batches batches,
      Executor storePool,
      PushBudget budget) {
    this.responses = responses;
    this.batches = batches;
    this.storePool = storePool;
    this.budget = budget;
    responses.disableAutoRequest();
    responses.setOnCancelHandler(
        () -> {
          cancelled = true;
          stopReading();
        });
    for (int i = 0; i < AHEAD; i++) {
      budget.acquire(this::askForBatch);
    }
  }

  /** With a place in the budget: asks gRPC for one more batch; declines once the stream stopped. */
  private boolean askForBatch() {
    synchronized (places) {
      if (!reading) {
        return false;
      }
      awaited++;
    }
    responses.request(1);
    return true;
  }

  /** No more batches will be read: gives back the places of those asked for and never sent. */
  private void stopReading() {
    int unused;
    synchronized (places) {
      reading = false;
      unused = awaited;
      awaited = 0;
    }
    for (int i = 0; i < unused; i++) {
      budget.release();
    }
  }

  @Override
  public void onNext(PushRequest request) {
    boolean holdsPlace;
    synchronized (places) {
      // Not if stopReading gave the place back already (the call ended as this batch arrived).
      holdsPlace = awaited > 0;
      if (holdsPlace) {
        awaited--;
      }
    }
    if (ended.get()) {
      if (holdsPlace) {
        budget.release();
      }
      return;
    }
    RuntimeException refused = null;
    try {
      batches.check(request);
    } catch (RuntimeException e) {
      refused = e;
    }
    RuntimeException failure = refused;
    CompletableFuture<Void> step =
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
              }
            },
            storePool);
    tail = step;
    // Runs whether the batch was stored, refused or skipped after an earlier failure: its place
    // goes back, and the stream asks for its next batch, or the first failure ends the call.
    step.whenComplete(
        (ignored, e) -> {
          if (holdsPlace) {
            budget.release();
          }
          if (e == null) {
            budget.acquire(this::askForBatch);
          } else {
            end(e instanceof CompletionException ? e.getCause() : e);
          }
        });
  }

  @Override
  public void onError(Throwable t) {
    cancelled = true;
    stopReading();
  }

  @Override
  public void onCompleted() {
    stopReading();
    tail.thenRun(
        () -> {
          if (ended.compareAndSet(false, true) && !cancelled) {
            responses.onCompleted();
          }
        });
  }

  private void end(Throwable failure) {
    stopReading();
    if (!ended.compareAndSet(false, true) || cancelled) {
      return;
    }
    GrpcErrors.fail(responses, "PushStream", failure);
  }
}
