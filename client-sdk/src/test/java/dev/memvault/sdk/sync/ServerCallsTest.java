package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.memvault.core.VaultException;
import io.grpc.Status;
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
}
