package dev.memvault.core.internal.sync;

import java.security.SecureRandom;

/**
 * Client change ids (16 bytes, the server's idempotency key): each one 16 fresh random bytes.
 *
 * <p>A change id is sent to the sync server in the clear, so it must say nothing the server does
 * not see anyway: no time, and nothing that ties one change to another. Ids that counted up from a
 * prefix drawn per open vault would tell the server which pushes one run of memvault made. What
 * random ids cost: each lands at a random place in the indexes keyed by it (the outbox's, which
 * holds only changes not yet confirmed, and the server's, within one vault's part of it). Two ids
 * collide with probability about n^2 / 2^129 for n ids.
 */
public final class ChangeIds {
  private final SecureRandom random;

  public ChangeIds(SecureRandom random) {
    this.random = random;
  }

  /** A fresh change id. */
  public byte[] next() {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return id;
  }
}
