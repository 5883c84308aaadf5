package dev.memvault.sdk.portable.provider.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Conversations waiting to be written together, in one durable commit. Bounded by count and by the
 * bytes of the export they came from, so memory stays small whatever the export holds.
 */
public final class ConversationBatch {
  static final int MAX_CONVERSATIONS = 200;
  static final long MAX_INPUT_BYTES = 8L << 20;

  private final ConversationWriter writer;
  private final ImportTally tally;
  private final List<ImportedConversation> conversations = new ArrayList<>();
  private final List<Integer> numbers = new ArrayList<>();
  private long startBytes = -1;

  public ConversationBatch(ConversationWriter writer, ImportTally tally) {
    this.writer = writer;
    this.tally = tally;
  }

  /**
   * Adds a conversation; true when the batch is full and should be flushed.
   *
   * @param number its place in the export, for a failure report
   * @param bytesRead how far the export has been read
   */
  public boolean add(int number, ImportedConversation conversation, long bytesRead) {
    if (startBytes < 0) {
      startBytes = bytesRead;
    }
    conversations.add(conversation);
    numbers.add(number);
    return conversations.size() >= MAX_CONVERSATIONS || bytesRead - startBytes >= MAX_INPUT_BYTES;
  }

  /** Writes what was added; each conversation whole or, when the vault refuses it, not at all. */
  public void flush(long bytesRead) {
    if (conversations.isEmpty()) {
      return;
    }
    List<ConversationWriter.Result> results = writer.writeAll(conversations);
    for (int i = 0; i < results.size(); i++) {
      ConversationWriter.Result result = results.get(i);
      if (result.refusal() != null) {
        // A record the format refuses (a message over the size limit): the file's fault; the
        // conversation's savepoint has rolled back.
        String id = conversations.get(i).externalId();
        tally.fail(numbers.get(i), id, result.refusal().getMessage());
      } else {
        tally.add(result.outcome());
      }
    }
    conversations.clear();
    numbers.clear();
    startBytes = bytesRead;
  }
}
