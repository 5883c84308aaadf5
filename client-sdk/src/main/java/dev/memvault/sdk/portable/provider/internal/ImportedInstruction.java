package dev.memvault.sdk.portable.provider.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A standing instruction found in an export (ChatGPT's custom instructions).
 *
 * @param field which of the provider's fields held it, such as {@code about_user_message}
 * @param createdAt when the export first shows it, or null
 */
public record ImportedInstruction(String field, String text, Instant createdAt) {
  /**
   * The id the provider would have given it: derived from the field and the text, so the same
   * instruction seen in many conversations, or in a later export, is stored once.
   */
  public String externalId() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "custom-instructions/" + field + "/" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
