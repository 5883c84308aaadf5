package dev.memvault.server.auth;

import static dev.memvault.server.auth.AuthVectors.DEVICE;
import static dev.memvault.server.auth.AuthVectors.EXPIRY;
import static dev.memvault.server.auth.AuthVectors.SECRET;
import static dev.memvault.server.auth.AuthVectors.VAULT;
import static dev.memvault.server.auth.AuthVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ChallengesTest {
  /** "Random" bytes 0x50, 0x51, ...: only for the known answer. */
  private static final class CountingRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    @Override
    public void nextBytes(byte[] bytes) {
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) (0x50 + i);
      }
    }
  }

  private final FixedClock clock = new FixedClock(EXPIRY - 60_000);
  private final Challenges challenges =
      new Challenges(ServerSecret.of(SECRET), clock, new CountingRandom());

  @Test
  void issue_vector_matchesIndependentComputation() {
    Challenges.Issued issued = challenges.issue(VAULT, DEVICE);

    assertArrayEquals(
        hex("000001b8dac5b400505152535455565758595a5b5c5d5e5f6a4c427693d6cc8e7d621510ceddf749"),
        issued.nonce());
    assertEquals(EXPIRY, issued.expiresAtMillis());
  }

  @Test
  void check_issuedForThisDevice_passesUntilExpiry() {
    byte[] nonce = challenges.issue(VAULT, DEVICE).nonce();
    challenges.check(VAULT, DEVICE, nonce);
    clock.millis = EXPIRY - 1;
    challenges.check(VAULT, DEVICE, nonce);
    clock.millis = EXPIRY;

    assertReason(ErrorReason.CHALLENGE_EXPIRED, () -> challenges.check(VAULT, DEVICE, nonce));
  }

  @Test
  void check_everyBitFlipped_badChallenge() {
    byte[] nonce = challenges.issue(VAULT, DEVICE).nonce();

    for (int bit = 0; bit < nonce.length * 8; bit++) {
      byte[] flipped = nonce.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertReason(ErrorReason.BAD_CHALLENGE, () -> challenges.check(VAULT, DEVICE, flipped));
    }
  }

  @Test
  void check_otherVaultOrDevice_badChallenge() {
    byte[] nonce = challenges.issue(VAULT, DEVICE).nonce();

    assertReason(ErrorReason.BAD_CHALLENGE, () -> challenges.check(DEVICE, DEVICE, nonce));
    assertReason(ErrorReason.BAD_CHALLENGE, () -> challenges.check(VAULT, VAULT, nonce));
  }

  @Test
  void check_wrongLength_badChallenge() {
    assertReason(ErrorReason.BAD_CHALLENGE, () -> challenges.check(VAULT, DEVICE, new byte[0]));
    assertReason(ErrorReason.BAD_CHALLENGE, () -> challenges.check(VAULT, DEVICE, new byte[41]));
  }

  @Test
  void consume_twice_badChallenge() {
    byte[] nonce = challenges.issue(VAULT, DEVICE).nonce();
    challenges.consume(nonce);

    assertReason(ErrorReason.BAD_CHALLENGE, () -> challenges.consume(nonce));
  }

  private static void assertReason(ErrorReason reason, Runnable call) {
    assertEquals(reason, assertThrows(RejectedException.class, call::run).reason());
  }
}
