package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.testing.Seeds;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PadmeTest {
  /**
   * Worked by hand from the PADMÉ definition (Nikitin et al., PETS 2019, Algorithm 1): E =
   * floor(log2 L), S = floor(log2 E) + 1, round L up to a multiple of 2^(E - S). Lengths up to 256
   * share the minimum bucket.
   */
  @ParameterizedTest
  @CsvSource({
    "0, 256",
    "1, 256",
    "255, 256",
    "256, 256",
    "257, 272",
    "272, 272",
    "273, 288",
    "300, 304",
    "1000, 1024",
    "1024, 1024",
    "1025, 1088",
    "65537, 67584",
    "1000000, 1015808",
  })
  void paddedLength_knownValues_matchDefinition(int length, int expected) {
    assertEquals(expected, Padme.paddedLength(length));
  }

  @Test
  void paddedLength_negative_throws() {
    assertThrows(IllegalArgumentException.class, () -> Padme.paddedLength(-1));
  }

  @Test
  void paddedLength_everyLengthToFourMegabytes_monotonicAtLeastInputBoundedOverheadIdempotent() {
    int previous = 0;
    for (int length = 0; length <= 4 * 1024 * 1024 + 64; length++) {
      int padded = Padme.paddedLength(length);
      assertTrue(padded >= length, "padded(" + length + ") = " + padded + " is shorter");
      assertTrue(padded >= previous, "not monotonic at " + length);
      if (length > Padme.MIN_BUCKET) {
        assertTrue(
            padded - length <= 0.12 * length,
            "overhead of " + (padded - length) + " bytes on " + length + " exceeds 12%");
      }
      if (padded != previous) {
        // A new bucket starts: its size is itself a bucket.
        assertEquals(padded, Padme.paddedLength(padded), "bucket " + padded + " not a fixed point");
      }
      previous = padded;
    }
  }

  @Test
  void paddedLength_bucketsAboveMinimum_haveFewSignificantBits() {
    // PADMÉ leaks O(log log L) bits: lengths in [2^E, 2^(E+1)) round up to multiples of
    // 2^(E-S) with S = floor(log2 E) + 1, so they fall into at most 2^S + 1 buckets.
    for (int exponent = 9; exponent <= 22; exponent++) {
      int from = 1 << exponent;
      int to = 1 << (exponent + 1);
      int buckets = 0;
      int previous = -1;
      for (int length = from; length < to; length++) {
        int padded = Padme.paddedLength(length);
        if (padded != previous) {
          buckets++;
          previous = padded;
        }
      }
      int significant = 32 - Integer.numberOfLeadingZeros(exponent);
      assertTrue(
          buckets <= (1 << significant) + 1,
          buckets + " buckets between 2^" + exponent + " and 2^" + (exponent + 1));
    }
  }

  @Test
  void paddedLength_randomLargeLengths_neverShorterOrNegative() {
    long seed = Seeds.seed("paddedLength_randomLargeLengths_neverShorterOrNegative");
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 200_000; i++) {
      int length = random.nextInt(Integer.MAX_VALUE);
      int padded;
      try {
        padded = Padme.paddedLength(length);
      } catch (IllegalArgumentException tooLong) {
        // Refusing a length whose bucket does not fit in an int is fine; wrapping around is not.
        continue;
      }
      assertTrue(padded >= length, "padded(" + length + ") = " + padded + Seeds.context(seed));
      if (length > Padme.MIN_BUCKET) {
        // Below the minimum bucket every length pads to 256 bytes on purpose; the 12% bound is
        // PADMÉ's, for lengths above it.
        assertTrue(
            padded - (long) length <= 0.12 * length, "overhead on " + length + Seeds.context(seed));
      }
    }
  }

  @Test
  void paddedLength_bucketBeyondLargestInt_refusedRatherThanWrapped() {
    // Between 2^30 and 2^31 buckets are multiples of 2^25; the last one that fits is 2^31 - 2^25.
    int lastBucket = Integer.MAX_VALUE - (1 << 25) + 1;
    assertEquals(lastBucket, Padme.paddedLength(lastBucket));
    assertEquals(lastBucket, Padme.paddedLength(lastBucket - 1));
    assertThrows(IllegalArgumentException.class, () -> Padme.paddedLength(lastBucket + 1));
    assertThrows(IllegalArgumentException.class, () -> Padme.paddedLength(Integer.MAX_VALUE));
  }
}
