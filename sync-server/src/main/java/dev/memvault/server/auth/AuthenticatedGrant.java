package dev.memvault.server.auth;

import com.google.protobuf.ByteString;
import java.util.Set;

/**
 * The grant a GrantService call is made under, as {@link GrantAuthInterceptor} established it from
 * the call's session token and the vault's device chain at the start of the call: in force, with
 * the scope ids it grants.
 */
public final class AuthenticatedGrant {
  private final ByteString vaultId;
  private final ByteString grantId;
  private final Set<ByteString> scopeIds;

  AuthenticatedGrant(ByteString vaultId, ByteString grantId, Set<ByteString> scopeIds) {
    this.vaultId = vaultId;
    this.grantId = grantId;
    this.scopeIds = Set.copyOf(scopeIds);
  }

  /**
   * The grant of the current call.
   *
   * @throws IllegalStateException if {@link GrantAuthInterceptor} did not run for this call
   */
  public static AuthenticatedGrant current() {
    AuthenticatedGrant caller = GrantAuthInterceptor.GRANT.get();
    if (caller == null) {
      throw new IllegalStateException(
          "no authenticated grant in this call's context: GrantAuthInterceptor is not installed");
    }
    return caller;
  }

  public ByteString vaultId() {
    return vaultId;
  }

  public ByteString grantId() {
    return grantId;
  }

  /** The scopes whose memory revisions the grant reads; empty reads nothing. */
  public Set<ByteString> scopeIds() {
    return scopeIds;
  }

  @Override
  public String toString() {
    return "AuthenticatedGrant[ids redacted, scopes=" + scopeIds.size() + "]";
  }
}
