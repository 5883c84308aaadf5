package dev.memvault.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The error reasons are a wire contract between servers and clients of different versions: their
 * names, codes and trailer are written out here by hand, so that renaming, removing or recoding a
 * reason fails this test instead of silently breaking the clients that branch on it.
 */
class ErrorReasonTest {
  /** Every published reason and its status code, as proto/README.md's "Errors" table has them. */
  private static final Map<String, Status.Code> PUBLISHED = new LinkedHashMap<>();

  static {
    PUBLISHED.put("AUTH_REQUIRED", Status.Code.UNAUTHENTICATED);
    PUBLISHED.put("SESSION_EXPIRED", Status.Code.UNAUTHENTICATED);
    PUBLISHED.put("GRANT_ENDED", Status.Code.PERMISSION_DENIED);
    PUBLISHED.put("NOT_A_DEVICE", Status.Code.PERMISSION_DENIED);
    PUBLISHED.put("DEVICE_REVOKED", Status.Code.UNAUTHENTICATED);
    PUBLISHED.put("UNKNOWN_DEVICE", Status.Code.UNAUTHENTICATED);
    PUBLISHED.put("BAD_CHALLENGE", Status.Code.UNAUTHENTICATED);
    PUBLISHED.put("CHALLENGE_EXPIRED", Status.Code.UNAUTHENTICATED);
    PUBLISHED.put("BAD_SIGNATURE", Status.Code.UNAUTHENTICATED);
    PUBLISHED.put("MALFORMED_ID", Status.Code.INVALID_ARGUMENT);
    PUBLISHED.put("MALFORMED_REQUEST", Status.Code.INVALID_ARGUMENT);
    PUBLISHED.put("MALFORMED_MESSAGE", Status.Code.INVALID_ARGUMENT);
    PUBLISHED.put("BAD_KEYSET", Status.Code.INVALID_ARGUMENT);
    PUBLISHED.put("BAD_CHANGE_SIGNATURE", Status.Code.INVALID_ARGUMENT);
    PUBLISHED.put("WRONG_DEVICE", Status.Code.PERMISSION_DENIED);
    PUBLISHED.put("VAULT_EXISTS", Status.Code.ALREADY_EXISTS);
    PUBLISHED.put("BAD_DEVICE_LINK", Status.Code.INVALID_ARGUMENT);
    PUBLISHED.put("CHAIN_CONFLICT", Status.Code.ABORTED);
    PUBLISHED.put("UNKNOWN_PAIRING", Status.Code.NOT_FOUND);
    PUBLISHED.put("PAIRING_USED", Status.Code.FAILED_PRECONDITION);
    PUBLISHED.put("PAIRING_EXISTS", Status.Code.ALREADY_EXISTS);
    PUBLISHED.put("UNKNOWN_RECOVERY", Status.Code.NOT_FOUND);
    PUBLISHED.put("DEVICE_EXISTS", Status.Code.ALREADY_EXISTS);
    PUBLISHED.put("UNKNOWN_VAULT", Status.Code.NOT_FOUND);
    PUBLISHED.put("BATCH_TOO_LARGE", Status.Code.INVALID_ARGUMENT);
    PUBLISHED.put("PAYLOAD_TOO_LARGE", Status.Code.INVALID_ARGUMENT);
    PUBLISHED.put("QUOTA_EXCEEDED", Status.Code.RESOURCE_EXHAUSTED);
    PUBLISHED.put("RATE_LIMITED", Status.Code.RESOURCE_EXHAUSTED);
    PUBLISHED.put("TOO_MANY_WATCHES", Status.Code.RESOURCE_EXHAUSTED);
    PUBLISHED.put("SERVER_FULL", Status.Code.RESOURCE_EXHAUSTED);
    PUBLISHED.put("SERVER_STORAGE_FULL", Status.Code.RESOURCE_EXHAUSTED);
    PUBLISHED.put("TOO_MANY_PAIRINGS", Status.Code.RESOURCE_EXHAUSTED);
    PUBLISHED.put("TOO_MANY_PUSH_STREAMS", Status.Code.RESOURCE_EXHAUSTED);
    PUBLISHED.put("SHUTTING_DOWN", Status.Code.UNAVAILABLE);
    PUBLISHED.put("STORE_UNAVAILABLE", Status.Code.UNAVAILABLE);
    PUBLISHED.put("INTERNAL", Status.Code.INTERNAL);
  }

  /** A row of the README's error table: | `CODE` | `REASON` | ... */
  private static final Pattern TABLE_ROW =
      Pattern.compile("(?m)^\\| `([A-Z_]+)` \\| `([A-Z_]+)` \\|");

  @Test
  void wireNames_everyReason_exactlyThePublishedNamesAndCodes() {
    Map<String, Status.Code> onTheWire = new LinkedHashMap<>();
    for (ErrorReason reason : ErrorReason.values()) {
      onTheWire.put(reason.name(), reason.code());
    }

    assertEquals(PUBLISHED, onTheWire);
  }

  @Test
  void trailer_name_isMemvaultReason() {
    assertEquals("memvault-reason", ErrorReason.TRAILER_KEY.name());
    assertEquals("memvault-reason", ErrorReason.TRAILER);
  }

  @Test
  void readmeErrorTable_everyRow_aReasonWithItsCode() throws IOException {
    String readme = Files.readString(Path.of("..", "proto", "README.md"));
    Map<ErrorReason, Status.Code> documented = new EnumMap<>(ErrorReason.class);
    Matcher row = TABLE_ROW.matcher(readme);
    while (row.find()) {
      documented.put(ErrorReason.valueOf(row.group(2)), Status.Code.valueOf(row.group(1)));
    }

    Map<ErrorReason, Status.Code> declared = new EnumMap<>(ErrorReason.class);
    for (ErrorReason reason : ErrorReason.values()) {
      declared.put(reason, reason.code());
    }
    assertEquals(declared, documented);
  }

  @ParameterizedTest
  @EnumSource(ErrorReason.class)
  void from_trailersOfReason_thatReason(ErrorReason reason) {
    Metadata trailers = reason.trailers();

    assertEquals(reason.name(), trailers.get(ErrorReason.TRAILER_KEY));
    assertEquals(Optional.of(reason), ErrorReason.from(trailers));
  }

  @Test
  void from_noTrailersOrNoReason_empty() {
    assertEquals(Optional.empty(), ErrorReason.from(null));
    assertEquals(Optional.empty(), ErrorReason.from(new Metadata()));
  }

  @Test
  void from_nameThisVersionDoesNotKnow_empty() {
    Metadata trailers = new Metadata();
    trailers.put(ErrorReason.TRAILER_KEY, "A_REASON_FROM_A_NEWER_SERVER");

    assertEquals(Optional.empty(), ErrorReason.from(trailers));
  }

  @Test
  void from_lowerCaseName_empty() {
    Metadata trailers = new Metadata();
    trailers.put(ErrorReason.TRAILER_KEY, "rate_limited");

    assertEquals(Optional.empty(), ErrorReason.from(trailers));
  }

  @Test
  void of_statusExceptionWrappedInAnother_itsReason() {
    StatusRuntimeException refusal =
        Status.RESOURCE_EXHAUSTED.asRuntimeException(ErrorReason.RATE_LIMITED.trailers());

    assertEquals(Optional.of(ErrorReason.RATE_LIMITED), ErrorReason.of(refusal));
    assertEquals(
        Optional.of(ErrorReason.RATE_LIMITED),
        ErrorReason.of(new IllegalStateException("push failed", refusal)));
  }

  @Test
  void of_statusWithoutTrailersOrNoStatus_empty() {
    StatusRuntimeException fromGrpc = Status.UNAVAILABLE.asRuntimeException();

    assertNull(fromGrpc.getTrailers());
    assertEquals(Optional.empty(), ErrorReason.of(fromGrpc));
    assertEquals(Optional.empty(), ErrorReason.of(new IllegalStateException("not a call")));
  }

  @Test
  void descriptions_everyReason_aDistinctSentence() {
    Map<String, ErrorReason> byDescription = new LinkedHashMap<>();
    for (ErrorReason reason : ErrorReason.values()) {
      assertTrue(reason.description().endsWith("."), reason.name());
      assertNull(byDescription.put(reason.description(), reason), reason.name());
    }
  }
}
