package dev.memvault.server.limits;

import com.google.protobuf.ByteString;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.time.Clock;

/**
 * Changes per second per device: a token bucket of {@link Limits#rateBurstChanges()} tokens that
 * refills at {@link Limits#rateChangesPerSecond()}; a push takes one token per change, all or none.
 * Buckets live in this process: behind a load balancer each server process grants a device its own
 * allowance.
 */
public final class RateLimiter {
  private final TokenBuckets<ByteString> buckets;

  public RateLimiter(Limits limits, Clock clock) {
    this.buckets =
        new TokenBuckets<>(
            limits.rateBurstChanges(), limits.rateChangesPerSecond() / 1000.0, clock);
  }

  /**
   * Takes {@code changes} tokens from the device's bucket.
   *
   * @param device the vault id and device id, concatenated
   * @throws RejectedException RATE_LIMITED if the bucket holds fewer
   */
  public void acquire(ByteString device, int changes) {
    if (changes == 0) {
      return;
    }
    if (!buckets.tryTake(device, changes)) {
      throw new RejectedException(ErrorReason.RATE_LIMITED);
    }
  }

  int bucketCount() {
    return buckets.size();
  }
}
