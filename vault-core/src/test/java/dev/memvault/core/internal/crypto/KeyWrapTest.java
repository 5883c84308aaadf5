package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

class KeyWrapTest {
  private static final byte[] AD = "memvault.v1.test".getBytes(StandardCharsets.UTF_8);

  private final SecretBytes wrappingKey = SecretBytes.randomBytes(32);
  private final SecretBytes secret = SecretBytes.randomBytes(32);

  @Test
  void wrapThenUnwrap_sameKeyAndAd_returnsSecret() throws Exception {
    byte[] wrapped = KeyWrap.wrap(wrappingKey, secret, AD);

    assertEquals(12 + 32 + 16, wrapped.length);
    assertArrayEquals(raw(secret), raw(KeyWrap.unwrap(wrappingKey, wrapped, AD)));
  }

  @Test
  void unwrap_everyBitFlipped_oneGenericFailure() throws Exception {
    byte[] wrapped = KeyWrap.wrap(wrappingKey, secret, AD);
    for (int bit = 0; bit < wrapped.length * 8; bit++) {
      byte[] tampered = wrapped.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      GeneralSecurityException e =
          assertThrows(
              GeneralSecurityException.class, () -> KeyWrap.unwrap(wrappingKey, tampered, AD));
      assertEquals("decryption failed", e.getMessage());
    }
  }

  @Test
  void unwrap_otherKeyOtherAdOrGarbage_oneGenericFailure() throws Exception {
    byte[] wrapped = KeyWrap.wrap(wrappingKey, secret, AD);
    byte[] otherAd = "memvault.v1.tesT".getBytes(StandardCharsets.UTF_8);

    for (GeneralSecurityException e :
        new GeneralSecurityException[] {
          assertThrows(
              GeneralSecurityException.class,
              () -> KeyWrap.unwrap(SecretBytes.randomBytes(32), wrapped, AD)),
          assertThrows(
              GeneralSecurityException.class, () -> KeyWrap.unwrap(wrappingKey, wrapped, otherAd)),
          assertThrows(
              GeneralSecurityException.class, () -> KeyWrap.unwrap(wrappingKey, new byte[3], AD)),
          assertThrows(
              GeneralSecurityException.class, () -> KeyWrap.unwrap(wrappingKey, new byte[0], AD)),
        }) {
      assertEquals("decryption failed", e.getMessage());
    }
  }

  private static byte[] raw(SecretBytes bytes) {
    return bytes.toByteArray(InsecureSecretKeyAccess.get());
  }
}
