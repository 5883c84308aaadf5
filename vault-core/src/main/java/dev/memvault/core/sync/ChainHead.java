package dev.memvault.core.sync;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The last link of the device chain this device verified (proto/README.md, "Device chain"): a chain
 * the server serves later must contain it, or the server rolled the chain back or forked it.
 */
public record ChainHead(long seq, byte[] hash) {
  private static final int HASH_BYTES = 32;

  public ChainHead {
    if (seq < 0 || hash.length != HASH_BYTES) {
      throw new IllegalArgumentException("a chain head is a seq and a 32-byte hash");
    }
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /** Stored with the device it was verified by, so a restored copy on a new device ignores it. */
  public byte[] encode(byte[] deviceId) {
    return ByteBuffer.allocate(deviceId.length + Long.BYTES + HASH_BYTES)
        .put(deviceId)
        .putLong(seq)
        .put(hash)
        .array();
  }

  /** The head stored for {@code deviceId}; null if none is, or it was another device's. */
  public static ChainHead decode(byte[] stored, byte[] deviceId) {
    if (stored == null || stored.length != deviceId.length + Long.BYTES + HASH_BYTES) {
      return null;
    }
    if (!Arrays.equals(stored, 0, deviceId.length, deviceId, 0, deviceId.length)) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(stored, deviceId.length, Long.BYTES + HASH_BYTES);
    long seq = buffer.getLong();
    byte[] hash = new byte[HASH_BYTES];
    buffer.get(hash);
    return new ChainHead(seq, hash);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChainHead head && head.seq == seq && Arrays.equals(head.hash, hash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "ChainHead[" + seq + "]";
  }
}
