package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.testing.Seeds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.Test;

class RecordCompressionTest {
  private static final String TEXT =
      "Le ferry pour Stromness part à 9 h 15; the crossing takes ninety minutes, and the café"
          + " on board sells tea. 渡し船は九時十五分に出ます。 ";

  private static byte[] text(int bytes) {
    StringBuilder text = new StringBuilder();
    SplittableRandom random = new SplittableRandom(bytes);
    while (text.length() < bytes) {
      // Shuffled words, so that the sample sees text rather than one repeated line.
      String[] words = TEXT.split(" ");
      text.append(words[random.nextInt(words.length)]).append(' ');
    }
    return Arrays.copyOf(text.toString().getBytes(StandardCharsets.UTF_8), bytes);
  }

  /**
   * Random bytes pass the threshold fewer than 1 time in 10,000 (a chi-square tail), and are then
   * only tried in vain; the bound here leaves room for that without failing by chance.
   */
  @Test
  void looksIncompressible_randomBytes_trueForAlmostAll() {
    long seed = Seeds.seed("looksIncompressible_randomBytes_trueForAlmostAll");
    SplittableRandom random = new SplittableRandom(seed);
    int tried = 0;
    for (int round = 0; round < 2_000; round++) {
      byte[] bytes = new byte[253 + random.nextInt(70_000)];
      random.nextBytes(bytes);
      if (!RecordCompression.looksIncompressible(bytes)) {
        tried++;
      }
    }
    assertTrue(
        tried <= 20, tried + " of 2,000 random records would be deflated" + Seeds.context(seed));
  }

  @Test
  void looksIncompressible_textInScripts_false() {
    for (int length : new int[] {253, 1_024, 5_000, 65_536}) {
      assertFalse(RecordCompression.looksIncompressible(text(length)), "length " + length);
    }
  }

  @Test
  void looksIncompressible_base64OfRandomBytes_false() {
    // 64 symbols: Huffman coding alone saves a quarter, enough to change the bucket.
    byte[] random = new byte[3_000];
    new SplittableRandom(5).nextBytes(random);
    byte[] base64 = Base64.getEncoder().encode(random);

    assertFalse(RecordCompression.looksIncompressible(base64));
  }

  @Test
  void looksIncompressible_floatEmbedding_false() {
    // An embedding of 384 floats in [-1, 1]: exponent bytes repeat, so deflate is tried.
    SplittableRandom random = new SplittableRandom(9);
    ByteBuffer floats = ByteBuffer.allocate(384 * Float.BYTES);
    for (int i = 0; i < 384; i++) {
      floats.putFloat((float) (random.nextDouble() * 2 - 1));
    }

    assertFalse(RecordCompression.looksIncompressible(floats.array()));
  }

  @Test
  void looksIncompressible_emptyOrOneByte_false() {
    assertFalse(RecordCompression.looksIncompressible(new byte[0]));
    assertFalse(RecordCompression.looksIncompressible(new byte[1]));
  }

  @Test
  void deflateInto_roomEnough_writesOneStreamAtTheOffset() throws Exception {
    byte[] plain = text(5_000);
    byte[] out = new byte[6_000];

    int length = RecordCompression.deflateInto(plain, out, 4, out.length - 4);

    assertTrue(length > 0 && length < plain.length, "deflated to " + length);
    assertEquals(0, out[0] | out[1] | out[2] | out[3], "nothing written before the offset");
    assertArrayEquals(plain, RecordCompression.inflate(out, 4, length));
  }

  @Test
  void deflateInto_outputPastTheLimit_returnsMinusOneAndLeavesZeros() {
    byte[] plain = new byte[5_000];
    new SplittableRandom(11).nextBytes(plain);
    byte[] out = new byte[5_004];

    int length = RecordCompression.deflateInto(plain, out, 4, 4_000);

    assertEquals(-1, length);
    assertArrayEquals(new byte[out.length], out, "partial output zeroed");
  }

  @Test
  void inflate_streamInsideALargerArray_readsOnlyItsRange() throws Exception {
    byte[] plain = text(2_000);
    byte[] out = new byte[3_000];
    int length = RecordCompression.deflateInto(plain, out, 100, 2_900);
    out[100 + length] = 42;

    assertArrayEquals(plain, RecordCompression.inflate(out, 100, length));
  }

  @Test
  void inflate_rangeCutShort_refused() {
    byte[] out = new byte[3_000];
    int length = RecordCompression.deflateInto(text(2_000), out, 0, out.length);

    assertThrows(DataFormatException.class, () -> RecordCompression.inflate(out, 0, length - 1));
  }
}
