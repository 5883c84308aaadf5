package dev.memvault.sdk.portable.provider;

import java.util.List;

/**
 * What an import did. Every conversation read from the file is counted exactly once: as added,
 * updated, unchanged, forgotten or failed.
 *
 * @param conversationsRead conversations read from the file
 * @param conversationsAdded conversations new to the vault
 * @param conversationsUpdated conversations already in the vault that gained messages, a new title
 *     or a new visible thread
 * @param conversationsUnchanged conversations already in the vault with nothing new
 * @param conversationsForgotten conversations left out because they were forgotten in the vault
 * @param messagesAdded messages written, alternates included
 * @param messagesAlreadyPresent messages of the file that the vault already held
 * @param instructionsAdded custom instructions written as {@code INSTRUCTION} memories
 * @param failures conversations that could not be imported; none of their data was written
 */
public record ImportSummary(
    Provider provider,
    String scope,
    int conversationsRead,
    int conversationsAdded,
    int conversationsUpdated,
    int conversationsUnchanged,
    int conversationsForgotten,
    int messagesAdded,
    int messagesAlreadyPresent,
    int instructionsAdded,
    List<Failure> failures) {

  public ImportSummary {
    failures = List.copyOf(failures);
  }

  /**
   * A conversation that was not imported.
   *
   * @param number its place in the file, counted from 1
   * @param conversationId the provider's id of it, or empty when the file does not say
   * @param reason why, naming the field at fault
   */
  public record Failure(int number, String conversationId, String reason) {
    /** "conversation 3 (id abc)" or "conversation 3". */
    public String where() {
      return "conversation "
          + number
          + (conversationId.isEmpty() ? "" : " (id " + conversationId + ")");
    }
  }

  /** True when the file held conversations and not one of them could be imported. */
  public boolean allFailed() {
    return conversationsRead > 0 && failures.size() == conversationsRead;
  }
}
