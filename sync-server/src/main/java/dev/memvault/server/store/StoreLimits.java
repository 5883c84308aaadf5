package dev.memvault.server.store;

/**
 * Limits a {@link SyncStore} enforces inside its transactions, so that no interleaving of calls in
 * one process gets past them, and calls through several processes sharing a PostgreSQL database
 * pass the server-wide ones by at most what commits at the same moment.
 *
 * @param maxBytesPerVault the most bytes of payloads and signatures one vault's log may hold
 * @param maxVaults the most vaults the store holds
 * @param maxTotalBytes the most bytes all vaults' logs hold together
 * @param maxOpenPairingsPerDevice the most pairing slots one device has open at once (neither
 *     expired nor holding a key package)
 */
public record StoreLimits(
    long maxBytesPerVault, long maxVaults, long maxTotalBytes, int maxOpenPairingsPerDevice) {
  public StoreLimits {
    if (maxBytesPerVault <= 0
        || maxVaults <= 0
        || maxTotalBytes <= 0
        || maxOpenPairingsPerDevice <= 0) {
      throw new IllegalArgumentException(
          "store limits must be positive: "
              + maxBytesPerVault
              + ", "
              + maxVaults
              + ", "
              + maxTotalBytes
              + ", "
              + maxOpenPairingsPerDevice);
    }
  }

  /** A quota per vault and no server-wide cap. */
  public StoreLimits(long maxBytesPerVault) {
    this(maxBytesPerVault, Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
  }
}
