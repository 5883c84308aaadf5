package dev.memvault.core.internal.crypto;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw DEFLATE (RFC 1951) of record plaintexts before padding and encryption (docs/FORMAT.md,
 * section 6.3).
 *
 * <p>Why: a message's text is in its envelope twice (Memory.text and its TEXT parts), and text
 * compresses about twofold, so records shrink to well under half: less to write, encrypt and sync.
 * A record is deflated only when that moves it to a smaller padding bucket, so every record of up
 * to 252 bytes (most notes, every tombstone) is stored uncompressed.
 *
 * <p>What it costs: the padded length now follows the compressed length, so it says a little about
 * how repetitive a record is as well as how long (threat-model/THREAT_MODEL.md, S3). Each record is
 * compressed alone: no dictionary is shared between records, so text from one record cannot change
 * the length of another.
 *
 * <p>Deflating is far slower than encrypting (zlib's fastest level runs at a few per cent of
 * AES-GCM's speed), so a record whose bytes look uniformly spread ({@link #looksIncompressible}) is
 * not tried at all: random, encrypted or already compressed content is stored as it is, at about
 * the cost of encrypting it.
 */
final class RecordCompression {
  /** Larger than any record a writer makes; inflating past it is refused (a bomb, or damage). */
  static final int MAX_INFLATED_BYTES = 64 << 20;

  /** Bytes of a record whose histogram {@link #looksIncompressible} reads: a bounded cost. */
  static final int SAMPLE_BYTES = 256;

  private static final int SAMPLE_SPANS = 4;

  /**
   * Byte pairs in the sample that are equal, relative to what uniformly random bytes give, below
   * which a record is not tried. Below 1.4, Huffman coding alone could save at most log2(1.4) =
   * 0.49 bits a byte (6%), about one bucket's step; uniformly random bytes score 1.00 with a
   * standard deviation of about 0.09 over 256 bytes, so fewer than 1 in 10,000 reach it (and are
   * then only tried in vain). Text scores far above it: English about 16, Japanese in UTF-8 about
   * 19, base64 about 4, an embedding's floats about 4.5.
   */
  private static final double REPEAT_RATIO_THRESHOLD = 1.4;

  // zlib keeps about 300 KiB of state per stream: reused per thread rather than made per record.
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED, true));
  private static final ThreadLocal<Inflater> INFLATERS =
      ThreadLocal.withInitial(() -> new Inflater(true));

  private RecordCompression() {}

  /**
   * Deflates {@code plain} into {@code out} from {@code offset}, writing at most {@code limit}
   * bytes.
   *
   * @return the deflated length, or -1 if the whole stream does not fit in {@code limit} bytes
   *     (what was written is then zeroed)
   */
  static int deflateInto(byte[] plain, byte[] out, int offset, int limit) {
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    deflater.setInput(plain);
    deflater.finish();
    int length = 0;
    while (!deflater.finished() && length < limit) {
      length += deflater.deflate(out, offset + length, limit - length);
    }
    if (!deflater.finished()) {
      Arrays.fill(out, offset, offset + length, (byte) 0);
      return -1;
    }
    return length;
  }

  /**
   * True if a sample of {@code plain} has its bytes spread so evenly that deflating is not worth
   * trying: it counts equal byte pairs within up to {@link #SAMPLE_BYTES} bytes (the collision
   * estimate of Rényi entropy), which costs a small part of encrypting even a 1 KiB record. Repeats
   * that only LZ77 finds (the same random block twice) are not seen, so such a record is stored in
   * a larger bucket than it could be; that costs space, never correctness.
   */
  static boolean looksIncompressible(byte[] plain) {
    int[] counts = new int[256];
    int sampled;
    if (plain.length <= SAMPLE_BYTES) {
      for (byte b : plain) {
        counts[b & 0xff]++;
      }
      sampled = plain.length;
    } else {
      // Spans spread over the record, each long enough to keep local statistics.
      int span = SAMPLE_BYTES / SAMPLE_SPANS;
      long stride = (plain.length - span) / (SAMPLE_SPANS - 1);
      for (int s = 0; s < SAMPLE_SPANS; s++) {
        int start = (int) (s * stride);
        for (int i = start; i < start + span; i++) {
          counts[plain[i] & 0xff]++;
        }
      }
      sampled = SAMPLE_BYTES;
    }
    if (sampled < 2) {
      return false;
    }
    long equalPairs = 0;
    for (int count : counts) {
      equalPairs += (long) count * (count - 1);
    }
    // Uniform bytes give equalPairs = sampled * (sampled - 1) / 256 on average.
    return equalPairs * 256.0 < REPEAT_RATIO_THRESHOLD * sampled * (sampled - 1);
  }

  /**
   * Inflates one whole raw DEFLATE stream held in {@code deflated[offset, offset + length)}.
   *
   * @throws DataFormatException if it is not one complete stream, has bytes after its end, or
   *     inflates past {@link #MAX_INFLATED_BYTES}
   */
  static byte[] inflate(byte[] deflated, int offset, int length) throws DataFormatException {
    Inflater inflater = INFLATERS.get();
    inflater.reset();
    inflater.setInput(deflated, offset, length);
    // Inflated straight into one array, grown as needed (text deflates about twofold, so most
    // records fit the first guess); arrays left behind are zeroed, as they hold plaintext.
    byte[] out = new byte[Math.max(256, length * 4)];
    int inflated = 0;
    while (!inflater.finished()) {
      if (inflated == out.length) {
        if (out.length >= MAX_INFLATED_BYTES) {
          Arrays.fill(out, (byte) 0);
          throw new DataFormatException("inflates past " + MAX_INFLATED_BYTES + " bytes");
        }
        byte[] larger = Arrays.copyOf(out, Math.min(MAX_INFLATED_BYTES, out.length * 2));
        Arrays.fill(out, (byte) 0);
        out = larger;
      }
      int n = inflater.inflate(out, inflated, out.length - inflated);
      if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
        Arrays.fill(out, (byte) 0);
        throw new DataFormatException("truncated deflate stream");
      }
      inflated += n;
    }
    if (inflater.getRemaining() != 0) {
      Arrays.fill(out, (byte) 0);
      throw new DataFormatException("bytes after the end of the deflate stream");
    }
    if (inflated == out.length) {
      return out;
    }
    byte[] exact = Arrays.copyOf(out, inflated);
    Arrays.fill(out, (byte) 0);
    return exact;
  }
}
