package dev.memvault.sdk.sync;

import dev.memvault.core.VaultException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one-time code of device linking: an 8-byte pairing id, which names the slot on the server,
 * and a 12-byte secret, which the server never sees and which authenticates what the two devices
 * send each other through it. Shown as 32 Crockford base32 characters in groups of four.
 *
 * <p>Never prints the secret.
 */
public final class PairingCode {
  static final int ID_BYTES = 8;
  static final int SECRET_BYTES = 12;
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final int CHARS = 32;

  private final byte[] pairingId;
  private final byte[] secret;

  private PairingCode(byte[] pairingId, byte[] secret) {
    this.pairingId = pairingId;
    this.secret = secret;
  }

  static PairingCode generate(SecureRandom random) {
    byte[] id = new byte[ID_BYTES];
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(id);
    random.nextBytes(secret);
    return new PairingCode(id, secret);
  }

  /**
   * Reads a code as a person typed it: case, spaces and dashes do not matter, and O, I and L read
   * as 0, 1 and 1.
   *
   * @throws VaultException.InvalidInput if it is not a pairing code
   */
  public static PairingCode parse(String text) {
    StringBuilder clean = new StringBuilder(CHARS);
    for (char c : text.toUpperCase(Locale.ROOT).toCharArray()) {
      if (c == '-' || Character.isWhitespace(c)) {
        continue;
      }
      char mapped = c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c;
      if (ALPHABET.indexOf(mapped) < 0) {
        throw new VaultException.InvalidInput(
            "the pairing code contains '" + c + "', which pairing codes never use");
      }
      clean.append(mapped);
    }
    if (clean.length() != CHARS) {
      throw new VaultException.InvalidInput(
          "a pairing code has "
              + CHARS
              + " characters; this one has "
              + clean.length()
              + ": copy it again from the device that runs `memvault device link`");
    }
    byte[] bytes = new byte[ID_BYTES + SECRET_BYTES];
    long buffer = 0;
    int bits = 0;
    int out = 0;
    for (int i = 0; i < CHARS; i++) {
      buffer = (buffer << 5) | ALPHABET.indexOf(clean.charAt(i));
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        bytes[out++] = (byte) (buffer >>> bits);
      }
    }
    return new PairingCode(
        Arrays.copyOfRange(bytes, 0, ID_BYTES), Arrays.copyOfRange(bytes, ID_BYTES, bytes.length));
  }

  /** The code to show: "XXXX-XXXX-...", 8 groups of 4. */
  public String toDisplayString() {
    byte[] bytes = new byte[ID_BYTES + SECRET_BYTES];
    System.arraycopy(pairingId, 0, bytes, 0, ID_BYTES);
    System.arraycopy(secret, 0, bytes, ID_BYTES, SECRET_BYTES);
    StringBuilder text = new StringBuilder(CHARS + 7);
    long buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        if (text.length() % 5 == 4) {
          text.append('-');
        }
        text.append(ALPHABET.charAt((int) ((buffer >>> bits) & 31)));
      }
    }
    return text.toString();
  }

  byte[] pairingId() {
    return pairingId.clone();
  }

  /** HMAC-SHA256 under the secret over the canonical encoding of a label and fields. */
  byte[] mac(String label, byte[]... fields) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(dev.memvault.protocol.CanonicalEncoding.encode(label, fields));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "PairingCode[redacted]";
  }
}
