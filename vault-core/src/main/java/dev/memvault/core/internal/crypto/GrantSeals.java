package dev.memvault.core.internal.crypto;

/**
 * The bindings of what a grant carries (docs/FORMAT.md, "Grants"): each granted scope's keyset is
 * sealed to the provider for that vault, grant and scope only, and the grant's name is encrypted
 * for that vault and grant only, so neither opens when moved to another.
 */
public final class GrantSeals {
  private GrantSeals() {}

  /** HPKE context info of a granted scope's sealed keyset. */
  public static byte[] scopeContext(byte[] vaultId, byte[] grantId, byte[] scopeId) {
    return AssociatedData.labeled("memvault.sync.v1.grant-scope")
        .bytes(vaultId)
        .bytes(grantId)
        .bytes(scopeId)
        .encode();
  }

  /** Associated data of a grant's encrypted name (AES-256-GCM under an epoch key). */
  public static byte[] nameAssociatedData(byte[] vaultId, byte[] grantId) {
    return AssociatedData.labeled("memvault.v1.grant-name").bytes(vaultId).bytes(grantId).encode();
  }
}
