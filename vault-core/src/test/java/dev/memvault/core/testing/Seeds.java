package dev.memvault.core.testing;

import java.util.Random;

/**
 * Seeds for randomized tests. Each run draws a fresh seed and prints it; a failing run is repeated
 * exactly with {@code -Dmemvault.seed=<seed>}.
 */
public final class Seeds {
  private Seeds() {}

  /** A seed for the named test, printed to stdout (the surefire report keeps it). */
  public static long seed(String test) {
    String fixed = System.getProperty("memvault.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
    System.out.println(test + ": seed " + seed + " (rerun with -Dmemvault.seed=" + seed + ")");
    return seed;
  }

  /** A message suffix that names the seed, for assertion failures. */
  public static String context(long seed) {
    return " [seed " + seed + ", rerun with -Dmemvault.seed=" + seed + "]";
  }
}
