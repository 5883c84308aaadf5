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
 * registrationsPerAddressPerHour   10     RESOURCE_EXHAUSTED RATE_LIMITED    (RegisterVault)
 * recoveryCallsPerAddressPerHour   20     RESOURCE_EXHAUSTED RATE_LIMITED    (recovery RPCs)
 * pairingCallsPerAddressPerMinute  600    RESOURCE_EXHAUSTED RATE_LIMITED    (pairing RPCs)
 * limitLoopback              false        (loopback and in-process callers are exempt)
 * maxVaults                  10,000       RESOURCE_EXHAUSTED SERVER_FULL     (StoreLimits)
 * maxTotalBytes              100 GiB      RESOURCE_EXHAUSTED SERVER_STORAGE_FULL (StoreLimits)
 * maxOpenPairingsPerDevice   4            RESOURCE_EXHAUSTED TOO_MANY_PAIRINGS (StoreLimits)
 * maxPushStreamsPerDevice    4            RESOURCE_EXHAUSTED TOO_MANY_PUSH_STREAMS
 * </pre>
 *
 * <p>The per-address allowances are token buckets that hold the whole allowance and refill it
 * evenly over the period ({@link AddressRateInterceptor}). A new device polls AwaitKeyPackage five
 * times a second, so the pairing allowance lets two devices join from one address at once.
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
    int maxPublicKeysetBytes,
    long registrationsPerAddressPerHour,
    long recoveryCallsPerAddressPerHour,
    long pairingCallsPerAddressPerMinute,
    boolean limitLoopback,
    long maxVaults,
    long maxTotalBytes,
    int maxOpenPairingsPerDevice,
    int maxPushStreamsPerDevice) {

  private static final int MIB = 1024 * 1024;

  public static final Limits DEFAULTS =
      new Limits(
          4 * MIB,
          500,
          MIB,
          256,
          500,
          100,
          2 * MIB,
          1024L * MIB,
          5000,
          500,
          64,
          4096,
          10,
          20,
          600,
          false,
          10_000,
          100 * 1024L * MIB,
          4,
          4);

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
        || maxPublicKeysetBytes <= 0
        || registrationsPerAddressPerHour <= 0
        || recoveryCallsPerAddressPerHour <= 0
        || pairingCallsPerAddressPerMinute <= 0
        || maxVaults <= 0
        || maxTotalBytes <= 0
        || maxOpenPairingsPerDevice <= 0
        || maxPushStreamsPerDevice <= 0) {
      throw new IllegalArgumentException(
          "every limit must be positive, the default page size at most the maximum");
    }
  }

  /** The parts the store enforces inside its transactions: quotas and server-wide caps. */
  public StoreLimits storeLimits() {
    return new StoreLimits(maxBytesPerVault, maxVaults, maxTotalBytes, maxOpenPairingsPerDevice);
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

  /** A builder that starts from {@link #DEFAULTS}. */
  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  /** A builder that starts from these limits. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Limits that differ from a starting point in a few values; {@link #build()} checks them as the
   * record's constructor does.
   */
  public static final class Builder {
    private int maxMessageBytes;
    private int maxChangesPerPush;
    private int maxPayloadBytes;
    private int maxSignatureBytes;
    private int maxPageSize;
    private int defaultPageSize;
    private int maxPageBytes;
    private long maxBytesPerVault;
    private long rateBurstChanges;
    private long rateChangesPerSecond;
    private int maxWatchesPerVault;
    private int maxPublicKeysetBytes;
    private long registrationsPerAddressPerHour;
    private long recoveryCallsPerAddressPerHour;
    private long pairingCallsPerAddressPerMinute;
    private boolean limitLoopback;
    private long maxVaults;
    private long maxTotalBytes;
    private int maxOpenPairingsPerDevice;
    private int maxPushStreamsPerDevice;

    private Builder(Limits from) {
      maxMessageBytes = from.maxMessageBytes;
      maxChangesPerPush = from.maxChangesPerPush;
      maxPayloadBytes = from.maxPayloadBytes;
      maxSignatureBytes = from.maxSignatureBytes;
      maxPageSize = from.maxPageSize;
      defaultPageSize = from.defaultPageSize;
      maxPageBytes = from.maxPageBytes;
      maxBytesPerVault = from.maxBytesPerVault;
      rateBurstChanges = from.rateBurstChanges;
      rateChangesPerSecond = from.rateChangesPerSecond;
      maxWatchesPerVault = from.maxWatchesPerVault;
      maxPublicKeysetBytes = from.maxPublicKeysetBytes;
      registrationsPerAddressPerHour = from.registrationsPerAddressPerHour;
      recoveryCallsPerAddressPerHour = from.recoveryCallsPerAddressPerHour;
      pairingCallsPerAddressPerMinute = from.pairingCallsPerAddressPerMinute;
      limitLoopback = from.limitLoopback;
      maxVaults = from.maxVaults;
      maxTotalBytes = from.maxTotalBytes;
      maxOpenPairingsPerDevice = from.maxOpenPairingsPerDevice;
      maxPushStreamsPerDevice = from.maxPushStreamsPerDevice;
    }

    public Builder maxMessageBytes(int value) {
      maxMessageBytes = value;
      return this;
    }

    public Builder maxChangesPerPush(int value) {
      maxChangesPerPush = value;
      return this;
    }

    public Builder maxPayloadBytes(int value) {
      maxPayloadBytes = value;
      return this;
    }

    public Builder maxSignatureBytes(int value) {
      maxSignatureBytes = value;
      return this;
    }

    /** The largest page; a default page size above it comes down to it. */
    public Builder maxPageSize(int value) {
      maxPageSize = value;
      defaultPageSize = Math.min(defaultPageSize, value);
      return this;
    }

    public Builder defaultPageSize(int value) {
      defaultPageSize = value;
      return this;
    }

    public Builder maxPageBytes(int value) {
      maxPageBytes = value;
      return this;
    }

    public Builder maxBytesPerVault(long value) {
      maxBytesPerVault = value;
      return this;
    }

    public Builder rateBurstChanges(long value) {
      rateBurstChanges = value;
      return this;
    }

    public Builder rateChangesPerSecond(long value) {
      rateChangesPerSecond = value;
      return this;
    }

    public Builder maxWatchesPerVault(int value) {
      maxWatchesPerVault = value;
      return this;
    }

    public Builder maxPublicKeysetBytes(int value) {
      maxPublicKeysetBytes = value;
      return this;
    }

    public Builder registrationsPerAddressPerHour(long value) {
      registrationsPerAddressPerHour = value;
      return this;
    }

    public Builder recoveryCallsPerAddressPerHour(long value) {
      recoveryCallsPerAddressPerHour = value;
      return this;
    }

    public Builder pairingCallsPerAddressPerMinute(long value) {
      pairingCallsPerAddressPerMinute = value;
      return this;
    }

    /** Whether loopback and in-process callers count against the per-address allowances too. */
    public Builder limitLoopback(boolean value) {
      limitLoopback = value;
      return this;
    }

    public Builder maxVaults(long value) {
      maxVaults = value;
      return this;
    }

    public Builder maxTotalBytes(long value) {
      maxTotalBytes = value;
      return this;
    }

    public Builder maxOpenPairingsPerDevice(int value) {
      maxOpenPairingsPerDevice = value;
      return this;
    }

    public Builder maxPushStreamsPerDevice(int value) {
      maxPushStreamsPerDevice = value;
      return this;
    }

    /**
     * The limits built.
     *
     * @throws IllegalArgumentException if a limit is not positive, or the default page size is
     *     above the maximum
     */
    public Limits build() {
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
          maxWatchesPerVault,
          maxPublicKeysetBytes,
          registrationsPerAddressPerHour,
          recoveryCallsPerAddressPerHour,
          pairingCallsPerAddressPerMinute,
          limitLoopback,
          maxVaults,
          maxTotalBytes,
          maxOpenPairingsPerDevice,
          maxPushStreamsPerDevice);
    }
  }
}
