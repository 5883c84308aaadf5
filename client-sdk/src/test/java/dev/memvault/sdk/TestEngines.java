package dev.memvault.sdk;

import dev.memvault.core.vault.Vault;

/** The vault engine under a {@link MemoryVault}, for tests that seed raw memory drafts. */
public final class TestEngines {
  private TestEngines() {}

  public static Vault engine(MemoryVault vault) {
    return vault.engine();
  }
}
