package dev.memvault.core.internal.crypto;

import java.util.Arrays;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw DEFLATE (RFC 1951) of record plaintexts before padding and encryption (docs/FORMAT.md,
 * section 6.3).
 *
 * <p>Why: a message's text is in its envelope twice (Memory.text and its TEXT parts), and text
 * compresses about twofold, so records shrink to well under half: less to write, encrypt and
 * sync. A record is deflated only when that moves it to a smaller padding bucket, so every record
 * of up to 252 bytes (most notes, every tombstone) is stored exactly as before.
 *
 * <p>What it costs: the padded length now follows the compressed length, so it says a little
 * about how repetitive a record is as well as how long (threat-model/THREAT_MODEL.md, S3). Each
 * record is compressed alone: no dictionary is shared between records, so text from one record
 * cannot change the length of another.
 */
final class RecordCompression {
  /** Larger than any record a writer makes; inflating past it is refused (a bomb, or damage). */
  static final int MAX_INFLATED_BYTES = 64 << 20;

  // zlib keeps about 300 KiB of state per stream: reused per thread rather than made per record.
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED, true));
  private static final ThreadLocal<Inflater> INFLATERS =
      ThreadLocal.withInitial(() -> new Inflater(true));

  private RecordCompression() {}

  /** The deflated bytes, if they fall into a smaller padding bucket than {@code plain}. */
  static Optional<byte[]> deflateIfSmaller(byte[] plain, int framing) {
    int storedBucket = Padme.paddedLength(framing + plain.length);
    if (storedBucket == Padme.MIN_BUCKET) {
      return Optional.empty();
    }
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    deflater.setInput(plain);
    deflater.finish();
    // Only output that beats the stored bucket is useful, so the buffer stops there.
    byte[] out = new byte[storedBucket - framing];
    int length = 0;
    while (!deflater.finished() && length < out.length) {
      length += deflater.deflate(out, length, out.length - length);
    }
    if (!deflater.finished() || Padme.paddedLength(framing + length) >= storedBucket) {
      Arrays.fill(out, (byte) 0);
      return Optional.empty();
    }
    byte[] deflated = Arrays.copyOf(out, length);
    Arrays.fill(out, (byte) 0);
    return Optional.of(deflated);
  }

  /**
   * Inflates a whole raw DEFLATE stream.
   *
   * @throws DataFormatException if it is not one complete stream, has bytes after its end, or
   *     inflates past {@link #MAX_INFLATED_BYTES}
   */
  static byte[] inflate(byte[] deflated) throws DataFormatException {
    Inflater inflater = INFLATERS.get();
    inflater.reset();
    inflater.setInput(deflated);
    // Inflated straight into one array, grown as needed (text deflates about twofold, so most
    // records fit the first guess); arrays left behind are zeroed, as they hold plaintext.
    byte[] out = new byte[Math.max(256, deflated.length * 4)];
    int length = 0;
    while (!inflater.finished()) {
      if (length == out.length) {
        if (out.length >= MAX_INFLATED_BYTES) {
          Arrays.fill(out, (byte) 0);
          throw new DataFormatException("inflates past " + MAX_INFLATED_BYTES + " bytes");
        }
        byte[] larger = Arrays.copyOf(out, Math.min(MAX_INFLATED_BYTES, out.length * 2));
        Arrays.fill(out, (byte) 0);
        out = larger;
      }
      int n = inflater.inflate(out, length, out.length - length);
      if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
        Arrays.fill(out, (byte) 0);
        throw new DataFormatException("truncated deflate stream");
      }
      length += n;
    }
    if (inflater.getRemaining() != 0) {
      Arrays.fill(out, (byte) 0);
      throw new DataFormatException("bytes after the end of the deflate stream");
    }
    if (length == out.length) {
      return out;
    }
    byte[] exact = Arrays.copyOf(out, length);
    Arrays.fill(out, (byte) 0);
    return exact;
  }

}
