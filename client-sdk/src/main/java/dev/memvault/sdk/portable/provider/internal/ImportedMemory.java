package dev.memvault.sdk.portable.provider.internal;

import dev.memvault.proto.v1.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A memory of an export that stands alone, outside any conversation: a fact the assistant
 * remembered, a project's instructions, a project document.
 *
 * @param externalId stable across exports of the same account, so a second import finds it
 * @param kind {@code FACT}, {@code PREFERENCE}, {@code INSTRUCTION} or {@code NOTE}
 * @param attributes where in the export it came from, such as the project's name
 * @param createdAt the export's time, or null when it has none (the vault uses the import's)
 * @param followsExport true when the export may change the text under the same id (a project
 *     document edited since the last export): the vault's memory is then updated to match; false
 *     when the id is derived from the text, so a changed text is a new memory
 */
public record ImportedMemory(
    String externalId,
    Kind kind,
    String text,
    Map<String, String> attributes,
    Instant createdAt,
    Instant updatedAt,
    boolean followsExport) {

  public ImportedMemory {
    attributes = new TreeMap<>(attributes);
  }

  /** The SHA-256 of a text in hex: an id for something the export gives no id. */
  public static String digest(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
