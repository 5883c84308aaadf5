package dev.memvault.core.internal.sync;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Client change ids (16 bytes, the server's idempotency key): 12 random bytes drawn when the vault
 * opens, then a counter.
 *
 * <p>Fully random ids land at random places in every index keyed by them (the outbox's, and the
 * server's idempotency index), so each commit rewrites pages all over those indexes; ids that count
 * up from a prefix land at the end, one place per open vault. Unlike a timestamp, the layout tells
 * the server nothing it does not already see (it sees each push). The 96 random bits keep ids of
 * different opens apart: two opens sharing a prefix would need on the order of 2^48 opens.
 */
public final class ChangeIds {
  private final SecureRandom random;
  private byte[] prefix;
  private int next;

  public ChangeIds(SecureRandom random) {
    this.random = random;
    this.prefix = newPrefix(random);
  }

  /** A change id never returned before by this instance, and unique across instances. */
  public synchronized byte[] next() {
    if (next == -1) {
      // 2^32 ids under one prefix: start another rather than wrap around.
      prefix = newPrefix(random);
      next = 0;
    }
    return ByteBuffer.allocate(16).put(prefix).putInt(next++).array();
  }

  private static byte[] newPrefix(SecureRandom random) {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return bytes;
  }
}
