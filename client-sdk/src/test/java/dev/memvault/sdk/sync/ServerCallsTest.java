package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.protocol.ErrorReason;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerCallsTest {
  /** A server older than PushStream answers UNIMPLEMENTED: the device is told what to do. */
  @Test
  void failure_unimplemented_oneLineSayingToUpgradeTheServer() {
    VaultException failure =
        ServerCalls.failure(
            "http://127.0.0.1:7443",
            Status.UNIMPLEMENTED.withDescription("Method not found").asRuntimeException(),
            "local changes stay queued");

    assertEquals(
        "the sync server at http://127.0.0.1:7443 is older than this memvault (it lacks a call"
            + " this device makes): upgrade the server first; local changes stay queued",
        failure.getMessage());
    assertFalse(failure.getMessage().contains("\n"));
  }

  /**
   * A server's own limits are no fault of the device: the person is told whom to ask or what to do.
   */
  @Test
  void failure_serverLimits_oneLineSayingWhatToDo() {
    for (ErrorReason reason :
        List.of(
            ErrorReason.SERVER_FULL,
            ErrorReason.SERVER_STORAGE_FULL,
            ErrorReason.QUOTA_EXCEEDED,
            ErrorReason.TOO_MANY_PAIRINGS,
            ErrorReason.TOO_MANY_PUSH_STREAMS)) {
      VaultException failure =
          ServerCalls.failure(
              "http://127.0.0.1:7443",
              Status.fromCode(reason.code())
                  .withDescription(reason.description())
                  .asRuntimeException(reason.trailers()),
              "local changes stay queued");

      String message = failure.getMessage();
      assertTrue(message.startsWith("the sync server at http://127.0.0.1:7443 refused: "), message);
      assertTrue(message.contains("operator") || message.contains("wait"), message);
      assertTrue(message.endsWith("; local changes stay queued"), message);
      assertFalse(message.contains("\n") || message.contains(reason.name()), message);
    }
  }

  /** A reason this client has no advice for shows the server's reason and sentence. */
  @Test
  void failure_otherReason_namesTheReasonAndTheServersSentence() {
    VaultException failure =
        ServerCalls.failure(
            "http://127.0.0.1:7443",
            Status.RESOURCE_EXHAUSTED
                .withDescription(ErrorReason.RATE_LIMITED.description())
                .asRuntimeException(ErrorReason.RATE_LIMITED.trailers()),
            "local changes stay queued");

    assertTrue(
        failure.getMessage().contains("RATE_LIMITED (Too many changes"), failure.getMessage());
  }
}
