package dev.memvault.server.limits;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key, in this process: each holds at most {@code burst} tokens and refills at a
 * steady rate from the injected clock, so tests move time instead of waiting. Past {@link
 * #PRUNE_ABOVE} buckets, full ones (keys idle long enough to refill) are dropped, since a fresh
 * bucket is full anyway.
 *
 * @param <K> the key: a device, a source address
 */
final class TokenBuckets<K> {
  static final int PRUNE_ABOVE = 10_000;

  private final long burst;
  private final double perMilli;
  private final Clock clock;
  private final Map<K, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param burst the tokens a bucket holds when full, and starts with
   * @param perMilli the tokens it regains per millisecond, up to {@code burst}
   */
  TokenBuckets(long burst, double perMilli, Clock clock) {
    if (burst <= 0 || !(perMilli > 0)) {
      throw new IllegalArgumentException("a bucket's size and refill rate must be positive");
    }
    this.burst = burst;
    this.perMilli = perMilli;
    this.clock = clock;
  }

  /** Takes {@code tokens} from {@code key}'s bucket, all or none; false if it holds fewer. */
  boolean tryTake(K key, long tokens) {
    long now = clock.millis();
    Bucket bucket = buckets.computeIfAbsent(key, unused -> new Bucket(burst, now));
    boolean taken = bucket.take(tokens, now, burst, perMilli);
    if (buckets.size() > PRUNE_ABOVE) {
      prune(now);
    }
    return taken;
  }

  int size() {
    return buckets.size();
  }

  private void prune(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().fullAt(now, burst, perMilli)) {
        it.remove();
      }
    }
  }

  private static final class Bucket {
    private double tokens;
    private long updatedAt;

    Bucket(long tokens, long now) {
      this.tokens = tokens;
      this.updatedAt = now;
    }

    synchronized boolean take(long n, long now, long burst, double perMilli) {
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
