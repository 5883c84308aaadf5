package dev.memvault.server.auth;

import java.util.HexFormat;

/**
 * Known-answer inputs and outputs, computed independently of this code with Python's struct, hmac
 * and hashlib (the script is in proto/README.md's "Test vectors").
 */
final class AuthVectors {
  static final byte[] VAULT = hex("000102030405060708090a0b0c0d0e0f");
  static final byte[] DEVICE = hex("202122232425262728292a2b2c2d2e2f");
  static final byte[] SECRET =
      hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  /** 2030-01-01T00:00:00Z. */
  static final long EXPIRY = 1_893_456_000_000L;

  private AuthVectors() {}

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
