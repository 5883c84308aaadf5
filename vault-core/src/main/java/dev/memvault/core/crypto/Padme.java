package dev.memvault.core.crypto;

/**
 * Size buckets for plaintexts, so that ciphertext lengths reveal little about content length.
 *
 * <p>PADMÉ (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
 * PURBs", PETS 2019) rounds a length L up so that only its top O(log log L) bits remain
 * significant; overhead is at most about 12%. Below {@link #MIN_BUCKET} everything pads to the
 * same size, since short notes are the most sensitive to length.
 */
public final class Padme {
  public static final int MIN_BUCKET = 256;

  private Padme() {}

  /** The padded length for a plaintext of {@code length} bytes. */
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
    int mask = (1 << lastBits) - 1;
    return (length + mask) & ~mask;
  }
}
