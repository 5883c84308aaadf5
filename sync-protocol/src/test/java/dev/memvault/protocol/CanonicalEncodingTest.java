package dev.memvault.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** Fields given as ByteStrings encode exactly as the same fields given as byte arrays. */
class CanonicalEncodingTest {
  @RepeatedTest(50)
  void encode_byteStringFields_sameBytesAsByteArrayFields(RepetitionInfo repetition) {
    long seed = 20261128L + repetition.getCurrentRepetition();
    Random random = new Random(seed);
    int count = random.nextInt(7);
    byte[][] arrays = new byte[count][];
    List<ByteString> strings = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      arrays[i] = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(3000)];
      random.nextBytes(arrays[i]);
      strings.add(ByteString.copyFrom(arrays[i]));
    }
    String label = "memvault.test." + random.nextInt(1000);

    assertArrayEquals(
        CanonicalEncoding.encode(label, arrays),
        CanonicalEncoding.encode(label, strings),
        "seed " + seed);
  }
}
