package dev.memvault.server.auth;

import dev.memvault.protocol.CanonicalEncoding;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Stateless session tokens: what a device shows on every SyncService call after signing in. A token
 * names its vault, device and expiry and carries an HMAC under the {@link ServerSecret} over them,
 * so any server process with the secret accepts it, and nobody without can make one.
 *
 * <pre>
 * token = base64url_nopad(vault_id(16) || device_id(16) || u64be(expires_at_ms) || mac(32))
 * mac   = HMAC-SHA256(secret, canonical("memvault.sync.v1.session", vault_id, device_id,
 *                                       u64be(expires_at_ms)))
 * </pre>
 *
 * <p>A token is not bound to the connection; it is a bearer credential for its lifetime, which is
 * short. Revoking a device takes effect at once anyway: the interceptor checks the device on every
 * call.
 */
final class SessionTokens {
  static final String LABEL = "memvault.sync.v1.session";

  /** A grant's session MACs under its own label: it can never pass as a device's. */
  static final String GRANT_LABEL = "memvault.sync.v1.grant-session";

  /** Whom a session is for: a device of the vault, or the provider of one of its grants. */
  enum Holder {
    DEVICE(LABEL),
    GRANT(GRANT_LABEL);

    private final String label;

    Holder(String label) {
      this.label = label;
    }
  }

  private static final String BEARER = "Bearer ";
  static final int ID_LENGTH = 16;
  static final int MAC_LENGTH = 32;
  static final int TOKEN_LENGTH = 2 * ID_LENGTH + Long.BYTES + MAC_LENGTH;

  /** A verified token's contents. */
  record Session(byte[] vaultId, byte[] deviceId, long expiresAtMillis, Holder holder) {}

  /** A token as issued. */
  record Issued(String token, long expiresAtMillis) {
    @Override
    public String toString() {
      return "Issued[token=redacted, expiresAtMillis=" + expiresAtMillis + "]";
    }
  }

  private final ServerSecret secret;
  private final Clock clock;
  private final Duration ttl;

  SessionTokens(ServerSecret secret, Clock clock, Duration ttl) {
    this.secret = secret;
    this.clock = clock;
    this.ttl = ttl;
  }

  Issued issue(byte[] vaultId, byte[] deviceId) {
    return issue(vaultId, deviceId, Holder.DEVICE);
  }

  /** A session for {@code holder}; for a grant, {@code id} is the grant id. */
  Issued issue(byte[] vaultId, byte[] id, Holder holder) {
    byte[] deviceId = id;
    long expiresAt = clock.millis() + ttl.toMillis();
    byte[] token =
        ByteBuffer.allocate(TOKEN_LENGTH)
            .put(vaultId)
            .put(deviceId)
            .putLong(expiresAt)
            .put(mac(holder, vaultId, deviceId, expiresAt))
            .array();
    return new Issued(Base64.getUrlEncoder().withoutPadding().encodeToString(token), expiresAt);
  }

  /**
   * Checks the token an {@code authorization} header carries ({@code Bearer <token>}), as {@link
   * #verify}; no header, or another scheme, is AUTH_REQUIRED.
   */
  Session verifyHeader(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new RejectedException(ErrorReason.AUTH_REQUIRED);
    }
    return verify(authorization.substring(BEARER.length()).strip());
  }

  /**
   * Checks a token's MAC and expiry.
   *
   * @throws RejectedException AUTH_REQUIRED for anything but a token this server issued (the expiry
   *     of a forged token means nothing); SESSION_EXPIRED for one of its tokens that expired
   */
  Session verify(String token) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw new RejectedException(ErrorReason.AUTH_REQUIRED);
    }
    if (bytes.length != TOKEN_LENGTH) {
      throw new RejectedException(ErrorReason.AUTH_REQUIRED);
    }
    ByteBuffer parts = ByteBuffer.wrap(bytes);
    byte[] vaultId = new byte[ID_LENGTH];
    byte[] deviceId = new byte[ID_LENGTH];
    byte[] mac = new byte[MAC_LENGTH];
    parts.get(vaultId).get(deviceId);
    long expiresAt = parts.getLong();
    parts.get(mac);
    Holder holder = null;
    for (Holder candidate : Holder.values()) {
      if (MessageDigest.isEqual(mac, mac(candidate, vaultId, deviceId, expiresAt))) {
        holder = candidate;
      }
    }
    if (holder == null) {
      throw new RejectedException(ErrorReason.AUTH_REQUIRED);
    }
    if (clock.millis() >= expiresAt) {
      throw new RejectedException(ErrorReason.SESSION_EXPIRED);
    }
    return new Session(vaultId, deviceId, expiresAt, holder);
  }

  private byte[] mac(Holder holder, byte[] vaultId, byte[] deviceId, long expiresAt) {
    return secret.hmac(
        CanonicalEncoding.encode(
            holder.label, vaultId, deviceId, CanonicalEncoding.u64(expiresAt)));
  }
}
