package dev.memvault.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HybridClockTest {
  private static Clock at(long millis) {
    return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  @Test
  void tick_wallClockAhead_usesWallMillisShifted() {
    HybridClock clock = new HybridClock(at(1_000), 0);
    assertEquals(1_000L << 16, clock.tick());
    assertEquals(1_000, HybridClock.wallMillis(clock.last()));
  }

  @Test
  void tick_wallClockStandsStill_countsUp() {
    HybridClock clock = new HybridClock(at(1_000), 0);
    long first = clock.tick();
    assertEquals(first + 1, clock.tick());
    assertEquals(first + 2, clock.tick());
  }

  @Test
  void tick_wallClockGoesBackwards_staysMonotonic() {
    HybridClock clock = new HybridClock(at(500), 2_000L << 16);
    assertEquals((2_000L << 16) + 1, clock.tick());
  }

  @Test
  void receive_remoteAhead_laterTicksOrderAfterIt() {
    HybridClock clock = new HybridClock(at(1_000), 0);
    long remote = (5_000L << 16) + 7;
    clock.receive(remote);
    assertTrue(clock.tick() > remote);
  }

  @Test
  void receive_remoteBehind_changesNothing() {
    HybridClock clock = new HybridClock(at(1_000), 0);
    long mine = clock.tick();
    clock.receive(mine - 5);
    assertEquals(mine, clock.last());
    assertEquals(mine + 1, clock.tick());
  }
}
