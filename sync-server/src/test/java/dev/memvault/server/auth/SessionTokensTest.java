package dev.memvault.server.auth;

import static dev.memvault.server.auth.AuthVectors.DEVICE;
import static dev.memvault.server.auth.AuthVectors.EXPIRY;
import static dev.memvault.server.auth.AuthVectors.SECRET;
import static dev.memvault.server.auth.AuthVectors.VAULT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
  private final FixedClock clock = new FixedClock(EXPIRY - Duration.ofMinutes(15).toMillis());
  private final SessionTokens tokens =
      new SessionTokens(ServerSecret.of(SECRET), clock, Duration.ofMinutes(15));

  @Test
  void issue_vector_matchesIndependentComputation() {
    SessionTokens.Issued issued = tokens.issue(VAULT, DEVICE);

    assertEquals(
        "AAECAwQFBgcICQoLDA0ODyAhIiMkJSYnKCkqKywtLi8AAAG42sW0ADkRbMBNfZQW5eCJ0Gc9kpG-qn4EUXVOVyGEbJmzfJ1i",
        issued.token());
    assertEquals(EXPIRY, issued.expiresAtMillis());
  }

  @Test
  void verify_issued_returnsVaultDeviceAndExpiry() {
    SessionTokens.Session session = tokens.verify(tokens.issue(VAULT, DEVICE).token());

    assertArrayEquals(VAULT, session.vaultId());
    assertArrayEquals(DEVICE, session.deviceId());
    assertEquals(EXPIRY, session.expiresAtMillis());
  }

  @Test
  void verify_grantSession_namesTheGrantHolderNeverADevice() {
    SessionTokens.Session device = tokens.verify(tokens.issue(VAULT, DEVICE).token());
    SessionTokens.Session grant =
        tokens.verify(tokens.issue(VAULT, DEVICE, SessionTokens.Holder.GRANT).token());

    assertEquals(SessionTokens.Holder.DEVICE, device.holder());
    assertEquals(SessionTokens.Holder.GRANT, grant.holder());
  }

  @Test
  void verify_everyBitFlipped_authRequired() {
    byte[] token = Base64.getUrlDecoder().decode(tokens.issue(VAULT, DEVICE).token());

    for (int bit = 0; bit < token.length * 8; bit++) {
      byte[] flipped = token.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
      RejectedException e = assertThrows(RejectedException.class, () -> tokens.verify(forged));
      assertEquals(ErrorReason.AUTH_REQUIRED, e.reason(), "bit " + bit);
    }
  }

  @Test
  void verify_atExpiry_sessionExpired() {
    String token = tokens.issue(VAULT, DEVICE).token();
    clock.millis = EXPIRY;

    assertEquals(
        ErrorReason.SESSION_EXPIRED,
        assertThrows(RejectedException.class, () -> tokens.verify(token)).reason());
  }

  @Test
  void verify_otherSecret_authRequired() {
    String token = tokens.issue(VAULT, DEVICE).token();
    SessionTokens other =
        new SessionTokens(
            ServerSecret.of(new byte[ServerSecret.LENGTH]), clock, Duration.ofMinutes(15));

    assertEquals(
        ErrorReason.AUTH_REQUIRED,
        assertThrows(RejectedException.class, () -> other.verify(token)).reason());
  }

  @Test
  void issued_toString_hasNoToken() {
    SessionTokens.Issued issued = tokens.issue(VAULT, DEVICE);

    assertFalse(issued.toString().contains(issued.token().substring(0, 10)));
  }
}
