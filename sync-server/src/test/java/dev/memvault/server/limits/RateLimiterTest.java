package dev.memvault.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final ByteString DEVICE = ByteString.copyFromUtf8("vault+device");

  private long now = 1_000_000;
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(now);
        }

        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          throw new UnsupportedOperationException();
        }
      };

  private final RateLimiter limiter =
      new RateLimiter(
          Limits.builder().rateBurstChanges(5000).rateChangesPerSecond(500).build(), clock);

  @Test
  void acquire_burstThenSustainedRate() {
    limiter.acquire(DEVICE, 5000);
    assertRateLimited(1);

    now += 1000;
    limiter.acquire(DEVICE, 500);
    assertRateLimited(1);

    now += 10;
    limiter.acquire(DEVICE, 5);
  }

  @Test
  void acquire_refillCapsAtBurst() {
    limiter.acquire(DEVICE, 1);
    now += 3_600_000;

    limiter.acquire(DEVICE, 5000);
    assertRateLimited(1);
  }

  @Test
  void acquire_refused_takesNothing() {
    limiter.acquire(DEVICE, 4990);
    assertRateLimited(11);

    limiter.acquire(DEVICE, 10);
  }

  @Test
  void acquire_manyIdleDevices_fullBucketsPruned() {
    for (int i = 0; i < 10_001; i++) {
      limiter.acquire(ByteString.copyFromUtf8("device " + i), 1);
    }
    now += 10_000;

    limiter.acquire(ByteString.copyFromUtf8("one more"), 1);

    assertEquals(1, limiter.bucketCount());
  }

  private void assertRateLimited(int changes) {
    assertEquals(
        ErrorReason.RATE_LIMITED,
        assertThrows(RejectedException.class, () -> limiter.acquire(DEVICE, changes)).reason());
  }
}
