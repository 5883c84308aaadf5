package dev.memvault.sdk.portable.provider;

import dev.memvault.core.VaultException;
import java.util.Optional;

/**
 * The input cannot be read as a provider export at all: a missing or unreadable file, not a zip, a
 * zip without the export's JSON file ({@code conversations.json}, Takeout's Gemini Apps {@code
 * MyActivity.json}, ...), not JSON, not a list of conversations, another product's export, or cut
 * short. The message says where (the byte offset and the conversation being read). Conversations
 * imported before the problem was met stay imported; {@link #importedBefore} tells how many.
 */
public final class ExportFormatException extends VaultException {
  private static final long serialVersionUID = 1L;

  private final transient ImportSummary importedBefore;

  public ExportFormatException(String message) {
    this(message, null, null);
  }

  public ExportFormatException(String message, ImportSummary importedBefore, Throwable cause) {
    super(message, cause);
    this.importedBefore = importedBefore;
  }

  /** What was imported before the problem, when reading had begun. */
  public Optional<ImportSummary> importedBefore() {
    return Optional.ofNullable(importedBefore);
  }
}
