package dev.memvault.server.auth;

import com.google.protobuf.ByteString;
import dev.memvault.protocol.CanonicalEncoding;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stateless sign-in challenges: a nonce carries its own expiry and an HMAC under the {@link
 * ServerSecret} that binds it to one vault and device, so any server process with the secret can
 * check a nonce another one issued, without a shared table.
 *
 * <pre>
 * nonce = u64be(expires_at_ms) || random(16) || HMAC-SHA256(secret,
 *           canonical("memvault.sync.v1.challenge", vault_id, device_id,
 *                     u64be(expires_at_ms), random))[0..16)
 * </pre>
 *
 * <p>Single use within one process: a nonce that signed in once is refused until it expires. Two
 * processes may each accept the same signed nonce once; it is still bound to its device and dies
 * within {@link #TTL}.
 */
final class Challenges {
  static final Duration TTL = Duration.ofSeconds(60);
  static final String LABEL = "memvault.sync.v1.challenge";
  static final int RANDOM_LENGTH = 16;
  static final int MAC_LENGTH = 16;
  static final int NONCE_LENGTH = Long.BYTES + RANDOM_LENGTH + MAC_LENGTH;
  private static final int PRUNE_EVERY = 1024;

  record Issued(byte[] nonce, long expiresAtMillis) {}

  private final ServerSecret secret;
  private final Clock clock;
  private final SecureRandom random;
  private final Map<ByteString, Long> used = new ConcurrentHashMap<>();
  private final AtomicInteger sinceLastPrune = new AtomicInteger();

  Challenges(ServerSecret secret, Clock clock, SecureRandom random) {
    this.secret = secret;
    this.clock = clock;
    this.random = random;
  }

  Issued issue(byte[] vaultId, byte[] deviceId) {
    long expiresAt = clock.millis() + TTL.toMillis();
    byte[] randomPart = new byte[RANDOM_LENGTH];
    random.nextBytes(randomPart);
    byte[] nonce =
        ByteBuffer.allocate(NONCE_LENGTH)
            .putLong(expiresAt)
            .put(randomPart)
            .put(mac(vaultId, deviceId, expiresAt, randomPart))
            .array();
    return new Issued(nonce, expiresAt);
  }

  /**
   * Checks that this server issued {@code nonce} for this vault and device and that it has not
   * expired. Does not mark it used: see {@link #consume}.
   *
   * @throws RejectedException BAD_CHALLENGE or CHALLENGE_EXPIRED
   */
  void check(byte[] vaultId, byte[] deviceId, byte[] nonce) {
    if (nonce.length != NONCE_LENGTH) {
      throw new RejectedException(ErrorReason.BAD_CHALLENGE);
    }
    ByteBuffer parts = ByteBuffer.wrap(nonce);
    long expiresAt = parts.getLong();
    byte[] randomPart = new byte[RANDOM_LENGTH];
    parts.get(randomPart);
    byte[] mac = new byte[MAC_LENGTH];
    parts.get(mac);
    if (!MessageDigest.isEqual(mac, mac(vaultId, deviceId, expiresAt, randomPart))) {
      throw new RejectedException(ErrorReason.BAD_CHALLENGE);
    }
    // Checked after the MAC, so that the expiry it reads is one this server wrote.
    if (clock.millis() >= expiresAt) {
      throw new RejectedException(ErrorReason.CHALLENGE_EXPIRED);
    }
  }

  /**
   * Marks a checked nonce used, after its signature verified.
   *
   * @throws RejectedException BAD_CHALLENGE if it was used before
   */
  void consume(byte[] nonce) {
    long expiresAt = ByteBuffer.wrap(nonce).getLong();
    if (used.putIfAbsent(ByteString.copyFrom(nonce), expiresAt) != null) {
      throw new RejectedException(ErrorReason.BAD_CHALLENGE);
    }
    if (sinceLastPrune.incrementAndGet() >= PRUNE_EVERY) {
      sinceLastPrune.set(0);
      long now = clock.millis();
      for (Iterator<Long> it = used.values().iterator(); it.hasNext(); ) {
        if (it.next() <= now) {
          it.remove();
        }
      }
    }
  }

  private byte[] mac(byte[] vaultId, byte[] deviceId, long expiresAt, byte[] randomPart) {
    byte[] full =
        secret.hmac(
            CanonicalEncoding.encode(
                LABEL, vaultId, deviceId, CanonicalEncoding.u64(expiresAt), randomPart));
    return Arrays.copyOf(full, MAC_LENGTH);
  }
}
