package dev.memvault.bench;

import java.util.Arrays;

/** Measurements (durations in nanoseconds, or rates), with nearest-rank percentiles. */
final class Samples {
  private long[] values = new long[64];
  private int size;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  int size() {
    return size;
  }

  long total() {
    long total = 0;
    for (int i = 0; i < size; i++) {
      total += values[i];
    }
    return total;
  }

  /**
   * Nearest-rank percentile: the smallest sample with at least {@code p} of samples at or below.
   */
  long percentile(double p) {
    if (size == 0) {
      throw new IllegalStateException("no samples");
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
  }

  long median() {
    return percentile(0.5);
  }

  long min() {
    return percentile(0);
  }

  long max() {
    return percentile(1);
  }
}
