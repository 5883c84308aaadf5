package dev.memvault.sdk.portable.pam;

import java.math.BigInteger;

/**
 * The Bitcoin base58 alphabet, in which PAM writes an Ed25519 public key (as did:key does:
 * multibase prefix {@code z}, then the multicodec {@code 0xed 0x01} and the 32 key bytes).
 */
final class Base58 {
  private static final String ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final BigInteger BASE = BigInteger.valueOf(58);

  private Base58() {}

  /**
   * The bytes {@code text} encodes.
   *
   * @throws IllegalArgumentException if it holds a character outside the alphabet
   */
  static byte[] decode(String text) {
    BigInteger value = BigInteger.ZERO;
    int leadingZeros = 0;
    boolean leading = true;
    for (char c : text.toCharArray()) {
      int digit = ALPHABET.indexOf(c);
      if (digit < 0) {
        throw new IllegalArgumentException("not base58: '" + c + "'");
      }
      if (leading && digit == 0) {
        leadingZeros++;
      } else {
        leading = false;
      }
      value = value.multiply(BASE).add(BigInteger.valueOf(digit));
    }
    byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
    int skip = magnitude.length > 0 && magnitude[0] == 0 ? 1 : 0;
    byte[] bytes = new byte[leadingZeros + magnitude.length - skip];
    System.arraycopy(magnitude, skip, bytes, leadingZeros, magnitude.length - skip);
    return bytes;
  }

  static String encode(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    BigInteger value = new BigInteger(1, bytes);
    while (value.signum() > 0) {
      BigInteger[] division = value.divideAndRemainder(BASE);
      text.append(ALPHABET.charAt(division[1].intValue()));
      value = division[0];
    }
    for (int i = 0; i < bytes.length && bytes[i] == 0; i++) {
      text.append(ALPHABET.charAt(0));
    }
    return text.reverse().toString();
  }
}
