package dev.memvault.core.vault;

import com.google.crypto.tink.util.SecretBytes;

/**
 * A loud door to an open vault's root key, for tests that prove the key never reaches a place it
 * must not (a server's storage, a log). Whoever holds the root key reads every memory: no main code
 * uses this class (the architecture test fails the build if code outside vault-core does).
 */
public final class InsecureKeyAccess {
  private InsecureKeyAccess() {}

  public static SecretBytes rootKey(Vault vault) {
    return vault.rootKey().secret();
  }
}
