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

  @Test
  void addAll_twoDevicesSamples_percentilesOverBoth() {
    Samples first = new Samples();
    Samples second = new Samples();
    for (long value = 1; value <= 100; value++) {
      (value % 2 == 0 ? first : second).add(value);
    }
    Samples all = new Samples();
    all.addAll(first);
    all.addAll(second);
    assertEquals(100, all.size());
    assertEquals(99, all.percentile(0.99));
    assertEquals(100, all.max());
    assertEquals(50, first.size());
  }
}
