package dev.memvault.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.store.StoreException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcHandlersTest {
  /** What a call was told, in order. */
  private static class Recorded<T> implements StreamObserver<T> {
    final List<T> values = new ArrayList<>();
    Throwable error;
    boolean completed;

    @Override
    public void onNext(T value) {
      values.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }

  @Test
  void unary_handlerAnswers_sentAndCompleted() {
    Recorded<String> call = new Recorded<>();

    RpcHandlers.unary(call, "Test", () -> "answer");

    assertEquals(List.of("answer"), call.values);
    assertTrue(call.completed);
    assertNull(call.error);
  }

  @Test
  void unary_handlerRejects_reasonsStatusAndNothingSent() {
    Recorded<String> call = new Recorded<>();

    RpcHandlers.unary(
        call,
        "Test",
        () -> {
          throw new RejectedException(ErrorReason.RATE_LIMITED);
        });

    assertRefused(ErrorReason.RATE_LIMITED, call);
  }

  @Test
  void unary_unexpectedFailure_internalWithoutItsText() {
    Recorded<String> call = new Recorded<>();

    RpcHandlers.unary(
        call,
        "Test",
        () -> {
          throw new IllegalStateException("secret request data");
        });

    assertRefused(ErrorReason.INTERNAL, call);
    assertFalse(call.error.toString().contains("secret"), call.error.toString());
  }

  @Test
  void unary_sendingTheAnswerFails_storeStatusInstead() {
    Recorded<String> call =
        new Recorded<>() {
          @Override
          public void onNext(String value) {
            throw new StoreException("the store failed", null);
          }
        };

    RpcHandlers.unary(call, "Test", () -> "answer");

    assertRefused(ErrorReason.STORE_UNAVAILABLE, call);
  }

  @Test
  void unary_handlerThrowsError_notTurnedIntoAStatus() {
    Recorded<String> call = new Recorded<>();

    assertThrows(
        AssertionError.class,
        () ->
            RpcHandlers.unary(
                call,
                "Test",
                () -> {
                  throw new AssertionError("a bug the JVM should see");
                }));
    assertNull(call.error);
  }

  @Test
  void started_handlerAnswersItself_nothingAdded() {
    Recorded<String> call = new Recorded<>();

    RpcHandlers.started(call, "Test", () -> call.onNext("first page"));

    assertEquals(List.of("first page"), call.values);
    assertFalse(call.completed);
    assertNull(call.error);
  }

  @Test
  void started_handlerRejects_reasonsStatus() {
    Recorded<String> call = new Recorded<>();

    RpcHandlers.started(
        call,
        "Test",
        () -> {
          throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
        });

    assertRefused(ErrorReason.MALFORMED_REQUEST, call);
  }

  private static void assertRefused(ErrorReason reason, Recorded<String> call) {
    StatusRuntimeException e = assertInstanceOf(StatusRuntimeException.class, call.error);
    assertEquals(reason.code(), e.getStatus().getCode());
    assertEquals(reason.description(), e.getStatus().getDescription());
    assertEquals(reason.name(), e.getTrailers().get(ErrorReason.TRAILER_KEY));
    assertTrue(call.values.isEmpty());
    assertFalse(call.completed);
  }
}
