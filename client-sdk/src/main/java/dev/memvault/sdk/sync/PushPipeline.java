package dev.memvault.sdk.sync;

import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Pushes batches over one PushStream call with up to {@code window} of them unanswered, so that a
 * device with a backlog does not wait a round trip per batch. The server stores the batches in the
 * order sent and answers them in that order; its first refusal ends the call, and nothing sent
 * after the refused batch is stored (proto/README.md, PushStream).
 *
 * <p>Everything the caller gives runs on the calling thread: the source is asked for a batch as the
 * window opens, the answers come in order.
 */
public final class PushPipeline {
  /** The batches to push, made as the window opens; empty when there are no more. */
  public interface Source {
    Optional<PushRequest> next();
  }

  /** Takes the answer of each batch, in the order sent. */
  public interface Answers {
    void accept(PushRequest request, PushResponse response);
  }

  private static final Object END = new Object();

  private PushPipeline() {}

  /**
   * Pushes what {@code source} gives until it is empty and every batch is answered.
   *
   * @throws StatusRuntimeException the server's refusal, the transport's failure, or
   *     DEADLINE_EXCEEDED when no answer came within {@code answerTimeout}; the batches answered
   *     before it were given to {@code answers}
   */
  public static void run(
      SyncServiceGrpc.SyncServiceStub stub,
      int window,
      Duration answerTimeout,
      Source source,
      Answers answers) {
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    ClientCallStreamObserver<PushRequest> requests =
        (ClientCallStreamObserver<PushRequest>)
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
                    events.add(END);
                  }
                });
    ArrayDeque<PushRequest> unanswered = new ArrayDeque<>();
    boolean allSent = false;
    try {
      while (true) {
        while (!allSent && unanswered.size() < window) {
          Optional<PushRequest> next = source.next();
          if (next.isEmpty()) {
            allSent = true;
            requests.onCompleted();
          } else {
            requests.onNext(next.get());
            unanswered.add(next.get());
          }
        }
        Object event = events.poll(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
          throw Status.DEADLINE_EXCEEDED
              .withDescription(
                  "no answer from the sync server in " + answerTimeout.toSeconds() + " s")
              .asRuntimeException();
        }
        if (event instanceof PushResponse response) {
          PushRequest answered = unanswered.poll();
          if (answered == null) {
            throw Status.INTERNAL
                .withDescription("the sync server answered a batch that was not sent")
                .asRuntimeException();
          }
          answers.accept(answered, response);
        } else if (event instanceof Throwable failure) {
          throw failure instanceof StatusRuntimeException status
              ? status
              : Status.fromThrowable(failure).asRuntimeException();
        } else if (!unanswered.isEmpty() || !allSent) {
          throw Status.INTERNAL
              .withDescription("the sync server ended the push before answering every batch")
              .asRuntimeException();
        } else {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requests.cancel("interrupted", e);
      throw Status.CANCELLED.withDescription("interrupted").withCause(e).asRuntimeException();
    } catch (RuntimeException e) {
      requests.cancel("push abandoned", e); // nothing more is sent; a no-op if the call ended
      throw e;
    }
  }
}
