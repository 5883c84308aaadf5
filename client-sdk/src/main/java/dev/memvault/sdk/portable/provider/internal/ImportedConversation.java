package dev.memvault.sdk.portable.provider.internal;

import java.time.Instant;
import java.util.List;

/**
 * One conversation of an export in provider-neutral form.
 *
 * @param title never blank: the provider's title or one derived from the first message
 * @param summary the provider's summary, or ""
 * @param model the conversation's default model, or ""
 * @param createdAt null when the export has no time
 * @param messages parents before children: the visible thread in order, then the alternates
 */
public record ImportedConversation(
    String externalId,
    String title,
    String summary,
    String model,
    Instant createdAt,
    Instant updatedAt,
    List<ImportedMessage> messages,
    List<ImportedInstruction> instructions) {

  public ImportedConversation {
    messages = List.copyOf(messages);
    instructions = List.copyOf(instructions);
  }

  /** Messages in the visible thread: the header's {@code message_count}. */
  public int visibleCount() {
    return (int) messages.stream().filter(ImportedMessage::visible).count();
  }
}
