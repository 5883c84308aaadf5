package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Uuid7Test {
  @Test
  void next_versionVariantAndTimestamp_perRfc9562() {
    Instant now = Instant.parse("2025-06-01T12:34:56.789Z");
    Uuid7 ids = new Uuid7(new MutableClock(now), new SecureRandom());
    for (int i = 0; i < 1000; i++) {
      UUID id = ids.next();
      assertEquals(7, id.version());
      assertEquals(2, id.variant());
      assertEquals(now.toEpochMilli(), id.getMostSignificantBits() >>> 16);
    }
  }

  @Test
  void next_laterMillisecond_sortsAfter() {
    MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
    Uuid7 ids = new Uuid7(clock, new SecureRandom());
    String previous = ids.next().toString();
    for (int i = 0; i < 500; i++) {
      clock.advance(Duration.ofMillis(1));
      String next = ids.next().toString();
      assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
      previous = next;
    }
  }

  @Test
  void next_sameMillisecond_distinct() {
    Uuid7 ids = new Uuid7(new MutableClock(Instant.EPOCH.plusSeconds(1)), new SecureRandom());
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertTrue(seen.add(ids.next()));
    }
  }

  @Test
  void toBytes_bigEndian16() {
    UUID id = UUID.fromString("01234567-89ab-7cde-8f01-23456789abcd");
    assertEquals("0123456789ab7cde8f0123456789abcd", HexFormat.of().formatHex(Uuid7.toBytes(id)));
  }

  @Test
  void parse_canonicalEitherCase_accepted() {
    assertEquals(
        UUID.fromString("01234567-89ab-7cde-8f01-23456789abcd"),
        Uuid7.parse("01234567-89AB-7CDE-8F01-23456789ABCD"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "nope",
        "01234567-89ab-7cde-8f01-23456789abc",
        "01234567-89ab-7cde-8f01-23456789abcde",
        "0123456789ab7cde8f0123456789abcd",
        "1-2-3-4-5",
        "01234567-89ab-7cde-8f01_23456789abcd",
        "g1234567-89ab-7cde-8f01-23456789abcd",
        " 01234567-89ab-7cde-8f01-23456789abc",
      })
  void parse_notCanonical_refused(String text) {
    assertThrows(IllegalArgumentException.class, () -> Uuid7.parse(text));
  }
}
