package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memvault.protocol.ErrorReason;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.function.Executable;

/** Assertions on what a client sees when the server refuses a call. */
final class Rejections {
  private Rejections() {}

  /** Runs {@code call}, expecting the refusal for {@code reason}, exactly as documented. */
  static StatusRuntimeException assertRejected(ErrorReason reason, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertStatus(reason, e);
    return e;
  }

  static void assertStatus(ErrorReason reason, Throwable failure) {
    Status status = Status.fromThrowable(failure);
    Metadata trailers = Status.trailersFromThrowable(failure);
    assertEquals(
        reason.name(),
        trailers == null ? null : trailers.get(ErrorReason.TRAILER_KEY),
        "reason trailer; status " + status);
    assertEquals(reason.code(), status.getCode(), "status code");
    assertEquals(reason.description(), status.getDescription(), "status description");
  }
}
