package dev.memvault.core.internal.crypto;

/**
 * Size buckets for plaintexts, so that ciphertext lengths reveal little about content length.
 *
 * <p>PADMÉ (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
 * PURBs", PETS 2019) rounds a length L up so that only its top O(log log L) bits remain
 * significant; overhead is at most about 12%. Below {@link #MIN_BUCKET} everything pads to the same
 * size, since short notes are the most sensitive to length.
 */
public final class Padme {
  public static final int MIN_BUCKET = 256;

  private Padme() {}

  /**
   * The padded length for a plaintext of {@code length} bytes.
   *
   * @throws IllegalArgumentException if the length is negative or its bucket exceeds 2^31 - 1
   */
  public static int paddedLength(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length");
    }
    if (length <= MIN_BUCKET) {
      return MIN_BUCKET;
    }
    int exponent = 31 - Integer.numberOfLeadingZeros(length);
    int exponentBits = 32 - Integer.numberOfLeadingZeros(exponent);
    int lastBits = exponent - exponentBits;
    long mask = (1L << lastBits) - 1;
    long padded = (length + mask) & ~mask;
    // Lengths just below 2^31 round up past the largest int; refuse rather than wrap negative.
    if (padded > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("length " + length + " is too large to pad");
    }
    return (int) padded;
  }
}
