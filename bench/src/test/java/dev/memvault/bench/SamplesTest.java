package dev.memvault.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SamplesTest {
  @Test
  void percentile_hundredSamples_nearestRank() {
    Samples samples = new Samples();
    for (long value = 100; value >= 1; value--) {
      samples.add(value);
    }
    assertEquals(50, samples.median());
    assertEquals(99, samples.percentile(0.99));
    assertEquals(1, samples.min());
    assertEquals(100, samples.max());
    assertEquals(5050, samples.total());
  }

  @Test
  void percentile_oneSample_thatSample() {
    Samples samples = new Samples();
    samples.add(7);
    assertEquals(7, samples.percentile(0.99));
    assertEquals(7, samples.median());
  }
}
