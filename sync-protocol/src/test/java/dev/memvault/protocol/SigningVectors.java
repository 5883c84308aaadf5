package dev.memvault.protocol;

import java.util.HexFormat;

/**
 * Known-answer ids for the signing inputs, the ones proto/README.md's "Test vectors" computes
 * independently of this code with Python's struct.
 */
final class SigningVectors {
  static final byte[] VAULT = hex("000102030405060708090a0b0c0d0e0f");
  static final byte[] DEVICE = hex("202122232425262728292a2b2c2d2e2f");
  static final byte[] RECORD = hex("303132333435363738393a3b3c3d3e3f");
  static final byte[] CHANGE = hex("101112131415161718191a1b1c1d1e1f");

  private SigningVectors() {}

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
