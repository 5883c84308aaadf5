package dev.memvault.core.internal.sync;

import java.time.Clock;

/**
 * A hybrid logical clock (docs/FORMAT.md, section 14.1): {@code wall_ms << 16 | counter}. Values it
 * hands out strictly increase, and after {@link #receive} they are greater than every value
 * received, so a write made after seeing another device's write is ordered after it even when the
 * wall clocks disagree.
 *
 * <p>Not thread-safe: the vault serializes access.
 */
public final class HybridClock {
  private static final int COUNTER_BITS = 16;

  private final Clock clock;
  private long last;

  public HybridClock(Clock clock, long last) {
    this.clock = clock;
    this.last = last;
  }

  /** The next value for a local write: greater than every value seen so far. */
  public long tick() {
    long wall = clock.millis() << COUNTER_BITS;
    last = Long.compareUnsigned(wall, last + 1) > 0 ? wall : last + 1;
    return last;
  }

  /** Takes note of a value written elsewhere, so that later ticks order after it. */
  public void receive(long remote) {
    if (Long.compareUnsigned(remote, last) > 0) {
      last = remote;
    }
  }

  /** The greatest value handed out or received. */
  public long last() {
    return last;
  }

  /** The wall-clock milliseconds part of a value. */
  public static long wallMillis(long hlc) {
    return hlc >>> COUNTER_BITS;
  }
}
