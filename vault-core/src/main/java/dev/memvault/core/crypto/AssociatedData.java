package dev.memvault.core.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The one canonical encoding of associated data: a label, then each field as a 4-byte big-endian
 * length followed by its bytes. Length prefixes make the encoding injective, so no two different
 * field lists encode to the same bytes (a delimiter join would not be).
 */
public final class AssociatedData {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

  private AssociatedData(String label) {
    bytes(label.getBytes(StandardCharsets.UTF_8));
  }

  /** Starts an encoding whose label names what the data protects, such as "memvault.v1.record". */
  public static AssociatedData labeled(String label) {
    return new AssociatedData(label);
  }

  public AssociatedData bytes(byte[] field) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(field.length).array());
    out.writeBytes(field);
    return this;
  }

  public AssociatedData uint32(int value) {
    return bytes(ByteBuffer.allocate(4).putInt(value).array());
  }

  public AssociatedData uint64(long value) {
    return bytes(ByteBuffer.allocate(8).putLong(value).array());
  }

  public byte[] encode() {
    return out.toByteArray();
  }
}
