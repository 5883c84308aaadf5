package dev.memvault.server.store;

/**
 * Limits a {@link SyncStore} enforces inside its append transaction, so that no interleaving of
 * appends, in one process or several, gets past them.
 *
 * @param maxBytesPerVault the most bytes of payloads and signatures one vault's log may hold
 */
public record StoreLimits(long maxBytesPerVault) {
  public StoreLimits {
    if (maxBytesPerVault <= 0) {
      throw new IllegalArgumentException("maxBytesPerVault must be positive: " + maxBytesPerVault);
    }
  }
}
