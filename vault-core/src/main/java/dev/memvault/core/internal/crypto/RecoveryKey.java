package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/**
 * A 256-bit recovery key in a form a person can copy by hand.
 *
 * <p>Text form: the 32 key bytes followed by a 3-byte checksum (the first bytes of SHA-256 over a
 * label and the key), 280 bits in all, written as 56 Crockford base32 characters in 14 groups of
 * four: {@code 7QK2-M4ZD-...}. Crockford's alphabet has no I, L, O or U; on input, case, spaces and
 * hyphens are ignored and I, L and O are read as 1, 1 and 0. The 24-bit checksum catches any typo
 * except with probability 2^-24.
 *
 * <p>Never prints its bytes; has no equals or hashCode.
 */
public final class RecoveryKey {
  public static final int KEY_BYTES = 32;
  private static final int CHECKSUM_BYTES = 3;
  private static final int TEXT_CHARS = 56;
  private static final int GROUP = 4;
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final byte[] CHECKSUM_LABEL =
      "memvault recovery key checksum v1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WRAP_INFO =
      "memvault.v1 recovery key wrap".getBytes(StandardCharsets.UTF_8);

  private static final byte[] SIGNING_INFO =
      "memvault.v1 recovery signing key".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ENCRYPTION_INFO =
      "memvault.v1 recovery encryption key".getBytes(StandardCharsets.UTF_8);

  private final SecretBytes secret;

  private RecoveryKey(SecretBytes secret) {
    this.secret = secret;
  }

  public static RecoveryKey generate() {
    return new RecoveryKey(SecretBytes.randomBytes(KEY_BYTES));
  }

  /**
   * Reads a recovery key as a person typed it.
   *
   * @throws InvalidRecoveryKeyException with a message that says what is wrong with the text
   */
  public static RecoveryKey parse(String text) throws InvalidRecoveryKeyException {
    StringBuilder clean = new StringBuilder(TEXT_CHARS);
    for (char c : text.toUpperCase(Locale.ROOT).toCharArray()) {
      if (c == '-' || Character.isWhitespace(c)) {
        continue;
      }
      char mapped = c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c;
      if (ALPHABET.indexOf(mapped) < 0) {
        throw new InvalidRecoveryKeyException(
            "the recovery key contains '" + c + "', which recovery keys never use");
      }
      clean.append(mapped);
    }
    if (clean.length() != TEXT_CHARS) {
      throw new InvalidRecoveryKeyException(
          "a recovery key has "
              + TEXT_CHARS
              + " characters (14 groups of 4); this one has "
              + clean.length());
    }
    byte[] decoded = decodeBase32(clean);
    byte[] key = Arrays.copyOf(decoded, KEY_BYTES);
    byte[] checksum = Arrays.copyOfRange(decoded, KEY_BYTES, KEY_BYTES + CHECKSUM_BYTES);
    try {
      if (!MessageDigest.isEqual(checksum, checksum(key))) {
        throw new InvalidRecoveryKeyException(
            "the recovery key has a typo (its checksum does not match); compare each group with"
                + " the copy you wrote down");
      }
      return new RecoveryKey(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get()));
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(decoded, (byte) 0);
    }
  }

  /** The text form to show the person, once. */
  public String toDisplayString() {
    byte[] key = secret.toByteArray(InsecureSecretKeyAccess.get());
    byte[] all = new byte[KEY_BYTES + CHECKSUM_BYTES];
    System.arraycopy(key, 0, all, 0, KEY_BYTES);
    System.arraycopy(checksum(key), 0, all, KEY_BYTES, CHECKSUM_BYTES);
    Arrays.fill(key, (byte) 0);
    String chars = encodeBase32(all);
    Arrays.fill(all, (byte) 0);
    StringBuilder grouped = new StringBuilder(TEXT_CHARS + TEXT_CHARS / GROUP);
    for (int i = 0; i < chars.length(); i += GROUP) {
      if (i > 0) {
        grouped.append('-');
      }
      grouped.append(chars, i, i + GROUP);
    }
    return grouped.toString();
  }

  /**
   * The key that wraps the vault root key. HKDF-SHA256 with the vault id as salt separates this use
   * of the recovery key from any other.
   */
  public SecretBytes wrappingKey(byte[] vaultId) {
    return derive(vaultId, WRAP_INFO);
  }

  /**
   * The seed of the vault's recovery signing key (an Ed25519 key that signs device chain links,
   * {@link RecoverySigningKey}). HKDF-SHA256 without a salt: a device that holds only the recovery
   * key derives it before it knows which vault the key belongs to.
   */
  public SecretBytes signingSeed() {
    return derive(new byte[0], SIGNING_INFO);
  }

  /**
   * The X25519 private key of the vault's recovery encryption key, to which every epoch of the root
   * key is sealed (docs/FORMAT.md, "Key epochs"). HKDF-SHA256 with the vault id as salt.
   */
  public SecretBytes encryptionSeed(byte[] vaultId) {
    return derive(vaultId, ENCRYPTION_INFO);
  }

  /** HKDF-SHA256 of the recovery key bytes: 32 bytes for one use, told apart by {@code info}. */
  private SecretBytes derive(byte[] salt, byte[] info) {
    byte[] ikm = secret.toByteArray(InsecureSecretKeyAccess.get());
    try {
      byte[] derived = Hkdf.computeHkdf("HMACSHA256", ikm, salt, info, 32);
      SecretBytes key = SecretBytes.copyFrom(derived, InsecureSecretKeyAccess.get());
      Arrays.fill(derived, (byte) 0);
      return key;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "RecoveryKey[redacted]";
  }

  private static byte[] checksum(byte[] key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(CHECKSUM_LABEL);
      sha256.update(key);
      return Arrays.copyOf(sha256.digest(), CHECKSUM_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static String encodeBase32(byte[] data) {
    StringBuilder out = new StringBuilder(data.length * 8 / 5 + 1);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  private static byte[] decodeBase32(CharSequence chars) {
    byte[] out = new byte[chars.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int index = 0;
    for (int i = 0; i < chars.length(); i++) {
      buffer = (buffer << 5) | ALPHABET.indexOf(chars.charAt(i));
      bits += 5;
      if (bits >= 8) {
        out[index++] = (byte) (buffer >> (bits - 8));
        bits -= 8;
      }
    }
    return out;
  }

  /** The text is not a valid recovery key; the message says why. */
  public static final class InvalidRecoveryKeyException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidRecoveryKeyException(String message) {
      super(message);
    }
  }
}
