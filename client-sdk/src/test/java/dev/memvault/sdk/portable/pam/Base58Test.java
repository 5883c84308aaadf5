package dev.memvault.sdk.portable.pam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Base58 on known answers: a did:key Ed25519 key (W3C did:key spec) and leading zero bytes. */
class Base58Test {
  private static final String DID_KEY = "6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

  @Test
  void decode_didKeyEd25519_multicodecPrefixAnd32KeyBytes() {
    byte[] bytes = Base58.decode(DID_KEY);

    assertEquals(34, bytes.length);
    assertEquals("ed01", HexFormat.of().formatHex(bytes, 0, 2));
    assertEquals(DID_KEY, Base58.encode(bytes));
  }

  @Test
  void encode_leadingZeroBytes_onesInFront() {
    byte[] bytes = {0, 0, 1, 2};

    assertEquals("115T", Base58.encode(bytes));
    assertArrayEquals(bytes, Base58.decode("115T"));
  }

  @Test
  void decode_characterOutsideTheAlphabet_refused() {
    assertThrows(IllegalArgumentException.class, () -> Base58.decode("0OIl"));
  }
}
