package dev.memvault.core.internal.crypto;

import dev.memvault.protocol.CanonicalEncoding;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Associated data in memvault's one canonical encoding ({@link CanonicalEncoding}): a label, then
 * each field as a 4-byte big-endian length followed by its bytes. Length prefixes make the encoding
 * injective, so no two different field lists encode to the same bytes (a delimiter join would not
 * be). This builder only collects typed fields.
 */
public final class AssociatedData {
  private final String label;
  private final List<byte[]> fields = new ArrayList<>();

  private AssociatedData(String label) {
    this.label = label;
  }

  /** Starts an encoding whose label names what the data protects, such as "memvault.v1.record". */
  public static AssociatedData labeled(String label) {
    return new AssociatedData(label);
  }

  public AssociatedData bytes(byte[] field) {
    fields.add(field.clone());
    return this;
  }

  public AssociatedData uint32(int value) {
    return bytes(ByteBuffer.allocate(Integer.BYTES).putInt(value).array());
  }

  public AssociatedData uint64(long value) {
    return bytes(CanonicalEncoding.u64(value));
  }

  public byte[] encode() {
    return CanonicalEncoding.encode(label, fields.toArray(new byte[0][]));
  }
}
