package dev.memvault.server.limits;

import com.google.protobuf.ByteString;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Changes per second per device: a token bucket of {@link Limits#rateBurstChanges()} tokens that
 * refills at {@link Limits#rateChangesPerSecond()}; a push takes one token per change, all or none.
 * Buckets live in this process: behind a load balancer each server process grants a device its own
 * allowance.
 */
public final class RateLimiter {
  /** Past this many buckets, full ones (devices idle long enough to refill) are dropped. */
  private static final int PRUNE_ABOVE = 10_000;

  private final long burst;
  private final double perMilli;
  private final Clock clock;
  private final Map<ByteString, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(Limits limits, Clock clock) {
    this.burst = limits.rateBurstChanges();
    this.perMilli = limits.rateChangesPerSecond() / 1000.0;
    this.clock = clock;
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
    long now = clock.millis();
    Bucket bucket = buckets.computeIfAbsent(device, key -> new Bucket(burst, now));
    if (!bucket.take(changes, now, burst, perMilli)) {
      throw new RejectedException(ErrorReason.RATE_LIMITED);
    }
    if (buckets.size() > PRUNE_ABOVE) {
      prune(now);
    }
  }

  private void prune(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().fullAt(now, burst, perMilli)) {
        it.remove();
      }
    }
  }

  int bucketCount() {
    return buckets.size();
  }

  private static final class Bucket {
    private double tokens;
    private long updatedAt;

    Bucket(long tokens, long now) {
      this.tokens = tokens;
      this.updatedAt = now;
    }

    synchronized boolean take(int n, long now, long burst, double perMilli) {
      refill(now, burst, perMilli);
      if (tokens < n) {
        return false;
      }
      tokens -= n;
      return true;
    }

    synchronized boolean fullAt(long now, long burst, double perMilli) {
      refill(now, burst, perMilli);
      return tokens >= burst;
    }

    private void refill(long now, long burst, double perMilli) {
      if (now > updatedAt) {
        tokens = Math.min(burst, tokens + (now - updatedAt) * perMilli);
        updatedAt = now;
      }
    }
  }
}
