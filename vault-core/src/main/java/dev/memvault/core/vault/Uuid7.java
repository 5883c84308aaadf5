package dev.memvault.core.vault;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids sort by creation time,
 * which keeps index inserts local, and reveal nothing but that time.
 */
public final class Uuid7 {
  private final Clock clock;
  private final SecureRandom random;

  public Uuid7(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  public UUID next() {
    long millis = clock.millis();
    long randA = random.nextInt(1 << 12);
    long msb = (millis << 16) | 0x7000L | randA;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  public static byte[] toBytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }

  /**
   * Parses the canonical text form strictly (36 characters, lowercase or uppercase hex).
   *
   * @throws IllegalArgumentException if it is not a UUID
   */
  public static UUID parse(String text) {
    if (text.length() != 36
        || !text.matches("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")) {
      throw new IllegalArgumentException("not a memory id: " + text);
    }
    return UUID.fromString(text);
  }
}
