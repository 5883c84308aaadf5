package dev.memvault.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.store.StoreException;
import dev.memvault.server.store.SyncStore;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GrpcErrorsTest {
  @ParameterizedTest
  @EnumSource(ErrorReason.class)
  void status_everyReason_codeFixedDescriptionAndTrailer(ErrorReason reason) {
    StatusRuntimeException e = GrpcErrors.status(reason);

    assertEquals(reason.code(), e.getStatus().getCode());
    assertEquals(reason.description(), e.getStatus().getDescription());
    assertEquals(reason.name(), e.getTrailers().get(ErrorReason.TRAILER_KEY));
    assertNull(e.getStatus().getCause());
    assertTrue(reason.description().endsWith("."), "a sentence");
    assertFalse(reason.code() == Status.Code.OK || reason.code() == Status.Code.UNKNOWN);
  }

  @Test
  void reasons_descriptionsAreDistinct() {
    Set<String> descriptions = new HashSet<>();
    for (ErrorReason reason : ErrorReason.values()) {
      assertTrue(descriptions.add(reason.description()), reason.name());
    }
  }

  @Test
  void toStatusException_domainExceptions_mappedWithoutTheirText() {
    assertMapped(
        ErrorReason.QUOTA_EXCEEDED, new SyncStore.QuotaExceededException("holds 17 bytes"));
    assertMapped(ErrorReason.UNKNOWN_VAULT, new SyncStore.UnknownVaultException("no vault 0a0b"));
    assertMapped(ErrorReason.STORE_UNAVAILABLE, new StoreException("disk full", null));
    assertMapped(ErrorReason.INTERNAL, new NullPointerException("field x"));
    assertMapped(ErrorReason.RATE_LIMITED, new RejectedException(ErrorReason.RATE_LIMITED));
  }

  @Test
  void redacted_keepsClassesAndFramesNotMessages() {
    SQLException sql = new SQLException("VALUES ('secret payload')", "23505");
    RuntimeException failure = new IllegalStateException("secret text", sql);

    Throwable logged = GrpcErrors.redacted(failure);

    StringWriter trace = new StringWriter();
    logged.printStackTrace(new PrintWriter(trace));
    assertFalse(trace.toString().contains("secret"), trace.toString());
    assertTrue(trace.toString().contains("java.lang.IllegalStateException"));
    assertTrue(trace.toString().contains("java.sql.SQLException (SQL state 23505)"));
    assertEquals(failure.getStackTrace().length, logged.getStackTrace().length);
  }

  private static void assertMapped(ErrorReason reason, RuntimeException failure) {
    StatusRuntimeException e = GrpcErrors.toStatusException("test", failure);

    assertEquals(reason.code(), e.getStatus().getCode());
    assertEquals(reason.description(), e.getStatus().getDescription());
    assertEquals(reason.name(), e.getTrailers().get(ErrorReason.TRAILER_KEY));
  }
}
