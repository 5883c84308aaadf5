package dev.memvault.protocol;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * memvault's one canonical encoding of a labelled list of fields (docs/FORMAT.md, section 6.2, and
 * {@code LogChain}): the label and then each field, every part written as a 4-byte big-endian
 * length and its bytes, so that two different field lists never encode to the same bytes.
 */
public final class CanonicalEncoding {
  private CanonicalEncoding() {}

  /** {@code u32be(len(utf8(label))) || utf8(label) || u32be(len(f1)) || f1 || ...}. */
  public static byte[] encode(String label, byte[]... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    part(out, label.getBytes(StandardCharsets.UTF_8));
    for (byte[] field : fields) {
      part(out, field);
    }
    return out.toByteArray();
  }

  /**
   * The same encoding of fields held as ByteStrings, each copied once into an array of the exact
   * size (a change's signing input carries its whole payload).
   */
  public static byte[] encode(String label, List<ByteString> fields) {
    byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
    int size = Integer.BYTES + labelBytes.length;
    for (ByteString field : fields) {
      size = Math.addExact(size, Integer.BYTES + field.size());
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(labelBytes.length).put(labelBytes);
    for (ByteString field : fields) {
      out.putInt(field.size());
      field.copyTo(out);
    }
    return out.array();
  }

  /** A uint64 as a field: 8 bytes big-endian. */
  public static byte[] u64(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  /** A string as a field: its UTF-8 bytes. */
  public static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static void part(ByteArrayOutputStream out, byte[] bytes) {
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }
}
