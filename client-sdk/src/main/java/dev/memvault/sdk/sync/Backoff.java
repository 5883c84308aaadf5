package dev.memvault.sdk.sync;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: waits double from {@code first} up to {@code max}, each drawn
 * between half and all of the current step, so that many clients that lost the same server do not
 * come back in lockstep.
 */
final class Backoff {
  private final Duration first;
  private final Duration max;
  private Duration step;

  Backoff(Duration first, Duration max) {
    this.first = first;
    this.max = max;
    this.step = first;
  }

  Duration next() {
    long stepMillis = step.toMillis();
    long wait = stepMillis / 2 + ThreadLocalRandom.current().nextLong(stepMillis / 2 + 1);
    Duration doubled = step.multipliedBy(2);
    step = doubled.compareTo(max) > 0 ? max : doubled;
    return Duration.ofMillis(wait);
  }

  void reset() {
    step = first;
  }
}
