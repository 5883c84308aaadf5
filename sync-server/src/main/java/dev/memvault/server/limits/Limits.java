package dev.memvault.server.limits;

import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import dev.memvault.server.store.StoreLimits;

/**
 * What one server accepts, declared in one place and checked in one place (this record and {@link
 * RateLimiter}); proto/README.md, "Limits", repeats the defaults and must change with them.
 *
 * <pre>
 * limit                      default      refused with
 * maxMessageBytes            4 MiB        RESOURCE_EXHAUSTED by gRPC itself (no reason trailer)
 * maxChangesPerPush          500          INVALID_ARGUMENT  BATCH_TOO_LARGE
 * maxPayloadBytes            1 MiB        INVALID_ARGUMENT  PAYLOAD_TOO_LARGE
 * maxSignatureBytes          256          INVALID_ARGUMENT  PAYLOAD_TOO_LARGE
 * maxPageSize                500          (capped: larger page_size is served as 500)
 * defaultPageSize            100          (page_size 0)
 * maxPageBytes               2 MiB        (a page stops before it would pass this; min 1 entry)
 * maxBytesPerVault           1 GiB        RESOURCE_EXHAUSTED QUOTA_EXCEEDED  (StoreLimits)
 * rateBurstChanges           5000         RESOURCE_EXHAUSTED RATE_LIMITED    (per device)
 * rateChangesPerSecond       500          RESOURCE_EXHAUSTED RATE_LIMITED    (per device)
 * maxWatchesPerVault         64           RESOURCE_EXHAUSTED TOO_MANY_WATCHES
 * maxPublicKeysetBytes       4 KiB        INVALID_ARGUMENT  BAD_KEYSET
 * </pre>
 *
 * <p>A page of the largest entries still fits the default 4 MiB inbound limit of a gRPC client:
 * {@code maxPageBytes} plus one entry of at most {@code maxPayloadBytes + maxSignatureBytes} and
 * its ids and hashes.
 */
public record Limits(
    int maxMessageBytes,
    int maxChangesPerPush,
    int maxPayloadBytes,
    int maxSignatureBytes,
    int maxPageSize,
    int defaultPageSize,
    int maxPageBytes,
    long maxBytesPerVault,
    long rateBurstChanges,
    long rateChangesPerSecond,
    int maxWatchesPerVault,
    int maxPublicKeysetBytes) {

  private static final int MIB = 1024 * 1024;

  public static final Limits DEFAULTS =
      new Limits(4 * MIB, 500, MIB, 256, 500, 100, 2 * MIB, 1024L * MIB, 5000, 500, 64, 4096);

  public Limits {
    if (maxMessageBytes <= 0
        || maxChangesPerPush <= 0
        || maxPayloadBytes <= 0
        || maxSignatureBytes <= 0
        || maxPageSize <= 0
        || defaultPageSize <= 0
        || defaultPageSize > maxPageSize
        || maxPageBytes <= 0
        || maxBytesPerVault <= 0
        || rateBurstChanges <= 0
        || rateChangesPerSecond <= 0
        || maxWatchesPerVault <= 0
        || maxPublicKeysetBytes <= 0) {
      throw new IllegalArgumentException(
          "every limit must be positive, the default page size at most the maximum");
    }
  }

  /** The quota part, which the store enforces inside its append transaction. */
  public StoreLimits storeLimits() {
    return new StoreLimits(maxBytesPerVault);
  }

  /** Checks a push's sizes; ids and signatures are checked by the service. */
  public void checkPush(PushRequest request) {
    if (request.getChangesCount() > maxChangesPerPush) {
      throw new RejectedException(ErrorReason.BATCH_TOO_LARGE);
    }
    for (Change change : request.getChangesList()) {
      if (change.getPayload().size() > maxPayloadBytes
          || change.getSignature().size() > maxSignatureBytes) {
        throw new RejectedException(ErrorReason.PAYLOAD_TOO_LARGE);
      }
    }
  }

  /** The page size to serve for a requested one (0 for the default). */
  public int pageSize(int requested) {
    if (requested <= 0) {
      return defaultPageSize;
    }
    return Math.min(requested, maxPageSize);
  }

  /** Checks a public keyset's size before anything parses it. */
  public void checkPublicKeyset(int bytes) {
    if (bytes == 0 || bytes > maxPublicKeysetBytes) {
      throw new RejectedException(ErrorReason.BAD_KEYSET);
    }
  }

  public Limits withMaxChangesPerPush(int value) {
    return new Limits(
        maxMessageBytes,
        value,
        maxPayloadBytes,
        maxSignatureBytes,
        maxPageSize,
        defaultPageSize,
        maxPageBytes,
        maxBytesPerVault,
        rateBurstChanges,
        rateChangesPerSecond,
        maxWatchesPerVault,
        maxPublicKeysetBytes);
  }

  public Limits withMaxPayloadBytes(int value) {
    return new Limits(
        maxMessageBytes,
        maxChangesPerPush,
        value,
        maxSignatureBytes,
        maxPageSize,
        defaultPageSize,
        maxPageBytes,
        maxBytesPerVault,
        rateBurstChanges,
        rateChangesPerSecond,
        maxWatchesPerVault,
        maxPublicKeysetBytes);
  }

  public Limits withMaxPageBytes(int value) {
    return new Limits(
        maxMessageBytes,
        maxChangesPerPush,
        maxPayloadBytes,
        maxSignatureBytes,
        maxPageSize,
        defaultPageSize,
        value,
        maxBytesPerVault,
        rateBurstChanges,
        rateChangesPerSecond,
        maxWatchesPerVault,
        maxPublicKeysetBytes);
  }

  public Limits withMaxPageSize(int value) {
    return new Limits(
        maxMessageBytes,
        maxChangesPerPush,
        maxPayloadBytes,
        maxSignatureBytes,
        value,
        Math.min(defaultPageSize, value),
        maxPageBytes,
        maxBytesPerVault,
        rateBurstChanges,
        rateChangesPerSecond,
        maxWatchesPerVault,
        maxPublicKeysetBytes);
  }

  public Limits withMaxBytesPerVault(long value) {
    return new Limits(
        maxMessageBytes,
        maxChangesPerPush,
        maxPayloadBytes,
        maxSignatureBytes,
        maxPageSize,
        defaultPageSize,
        maxPageBytes,
        value,
        rateBurstChanges,
        rateChangesPerSecond,
        maxWatchesPerVault,
        maxPublicKeysetBytes);
  }

  public Limits withRate(long burstChanges, long changesPerSecond) {
    return new Limits(
        maxMessageBytes,
        maxChangesPerPush,
        maxPayloadBytes,
        maxSignatureBytes,
        maxPageSize,
        defaultPageSize,
        maxPageBytes,
        maxBytesPerVault,
        burstChanges,
        changesPerSecond,
        maxWatchesPerVault,
        maxPublicKeysetBytes);
  }

  public Limits withMaxWatchesPerVault(int value) {
    return new Limits(
        maxMessageBytes,
        maxChangesPerPush,
        maxPayloadBytes,
        maxSignatureBytes,
        maxPageSize,
        defaultPageSize,
        maxPageBytes,
        maxBytesPerVault,
        rateBurstChanges,
        rateChangesPerSecond,
        value,
        maxPublicKeysetBytes);
  }

  public Limits withMaxMessageBytes(int value) {
    return new Limits(
        value,
        maxChangesPerPush,
        maxPayloadBytes,
        maxSignatureBytes,
        maxPageSize,
        defaultPageSize,
        maxPageBytes,
        maxBytesPerVault,
        rateBurstChanges,
        rateChangesPerSecond,
        maxWatchesPerVault,
        maxPublicKeysetBytes);
  }
}
