package dev.memvault.sdk.portable.pam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * PAM's hashes (spec sections 6 and 15): the content hash that deduplicates a memory across
 * exports, and the integrity checksum over a canonical memories array. Both are {@code "sha256:"}
 * and 64 lowercase hex digits. They detect corruption and duplicates, not tampering: a forger
 * recomputes them.
 */
final class ContentHash {
  static final Pattern FORMAT = Pattern.compile("sha256:[a-f0-9]{64}");

  // Python's str.split() with no argument, which the spec's reference normalization uses, splits
  // on runs of Unicode whitespace; \s with UNICODE_CHARACTER_CLASS is the same class.
  private static final Pattern WHITESPACE_RUN =
      Pattern.compile("[\\s\\x1c-\\x1f]+", Pattern.UNICODE_CHARACTER_CLASS);

  private ContentHash() {}

  /** Trimmed, lowercased, NFC, runs of whitespace as one space (spec section 6.1). */
  static String normalize(String content) {
    String text = content.strip().toLowerCase(Locale.ROOT);
    text = Normalizer.normalize(text, Normalizer.Form.NFC);
    return WHITESPACE_RUN.matcher(text).replaceAll(" ").strip();
  }

  /** The {@code content_hash} of a memory's content. */
  static String of(String content) {
    return sha256(normalize(content).getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
