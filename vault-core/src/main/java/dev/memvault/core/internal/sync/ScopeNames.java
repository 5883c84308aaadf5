package dev.memvault.core.internal.sync;

import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.RootKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Encrypts a scope's name for a {@code ScopeRecord} (docs/FORMAT.md, section 14): AES-256-GCM under
 * the root key, bound to the vault and scope ids, so a sync server never learns scope names and
 * cannot move a name to another scope.
 */
public final class ScopeNames {
  private ScopeNames() {}

  public static byte[] seal(RootKey root, byte[] vaultId, byte[] scopeId, String name)
      throws GeneralSecurityException {
    return root.aead()
        .encrypt(name.getBytes(StandardCharsets.UTF_8), associatedData(vaultId, scopeId));
  }

  /**
   * @throws GeneralSecurityException "decryption failed" if it was not sealed under this root key
   *     for this vault and scope
   */
  public static String open(RootKey root, byte[] vaultId, byte[] scopeId, byte[] sealed)
      throws GeneralSecurityException {
    try {
      return new String(
          root.aead().decrypt(sealed, associatedData(vaultId, scopeId)), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new GeneralSecurityException("decryption failed");
    }
  }

  /** Seals a serialized {@code ScopeNaming} of this scope (docs/FORMAT.md, section 14). */
  public static byte[] sealNaming(RootKey root, byte[] vaultId, byte[] scopeId, byte[] naming)
      throws GeneralSecurityException {
    return root.aead().encrypt(naming, namingData(vaultId, scopeId));
  }

  /**
   * @throws GeneralSecurityException "decryption failed" if it was not sealed under this root key
   *     for this vault and scope
   */
  public static byte[] openNaming(RootKey root, byte[] vaultId, byte[] scopeId, byte[] sealed)
      throws GeneralSecurityException {
    try {
      return root.aead().decrypt(sealed, namingData(vaultId, scopeId));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new GeneralSecurityException("decryption failed");
    }
  }

  private static byte[] namingData(byte[] vaultId, byte[] scopeId) {
    return AssociatedData.labeled("memvault.v1.scope-naming")
        .bytes(vaultId)
        .bytes(scopeId)
        .encode();
  }

  private static byte[] associatedData(byte[] vaultId, byte[] scopeId) {
    return AssociatedData.labeled("memvault.v1.scope-name").bytes(vaultId).bytes(scopeId).encode();
  }
}
