package dev.memvault.sdk.portable.provider;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.chatgpt.ChatGptConversationMapper;
import dev.memvault.sdk.portable.provider.claude.ClaudeConversationMapper;
import dev.memvault.sdk.portable.provider.internal.ConversationMapper;
import dev.memvault.sdk.portable.provider.internal.ConversationProblem;
import dev.memvault.sdk.portable.provider.internal.ConversationReader;
import dev.memvault.sdk.portable.provider.internal.ConversationWriter;
import dev.memvault.sdk.portable.provider.internal.ExportInput;
import dev.memvault.sdk.portable.provider.internal.ImportedConversation;
import dev.memvault.sdk.portable.provider.internal.UnreadableExport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Imports a ChatGPT or Claude data export (the downloaded zip, the folder it unpacks to, or its
 * {@code conversations.json}) into a vault: each conversation becomes a {@code CONVERSATION} memory
 * with one {@code MESSAGE} memory per message (docs/FORMAT.md, section 4).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Streaming: the file is read one conversation at a time, so memory use does not grow with
 *       the size of the export.
 *   <li>All or nothing per conversation: each is written in one transaction. A conversation the
 *       file describes badly (a broken message tree, a field of the wrong type) is skipped, leaves
 *       no trace and is reported in {@link ImportSummary#failures()} with the field at fault; the
 *       others are imported.
 *   <li>Idempotent: importing the same export again adds nothing; a newer export of the same
 *       account adds only new conversations and messages, keyed by the provider's ids.
 *   <li>A file that cannot be read on (not a zip or JSON, not an export, truncated) stops the
 *       import with an {@link ExportFormatException} that says where; conversations imported before
 *       that point stay, and importing a complete file later finishes the job.
 * </ul>
 */
public final class ProviderImporter {
  private ProviderImporter() {}

  /**
   * @throws VaultException.NotFound if {@code export} does not exist
   * @throws ExportFormatException if it is not a readable export of {@code provider}
   */
  public static ImportSummary run(
      MemoryVault vault, Provider provider, Path export, ImportOptions options) {
    ConversationMapper mapper = mapperFor(provider);
    String exportName = "a " + provider.displayName() + " data export";
    Tally tally = new Tally(provider, options.scope());
    ConversationWriter writer =
        new ConversationWriter(vault.transactions(), provider.id(), options.scope(), options.app());
    try (ExportInput input = ExportInput.open(export, exportName);
        ConversationReader reader =
            new ConversationReader(input.stream(), input.description(), exportName)) {
      Batch batch = new Batch(writer, tally);
      try {
        for (JsonNode node = reader.next(); node != null; node = reader.next()) {
          int number = reader.count();
          if (number == 1) {
            Optional<String> other = mapper.otherProvider(node);
            if (other.isPresent()) {
              throw new ExportFormatException(
                  input.description() + " is not " + exportName + ": " + other.get());
            }
          }
          Optional<ImportedConversation> mapped = map(mapper, tally, number, node);
          if (mapped.isPresent() && batch.add(number, mapped.get(), input.bytesRead())) {
            batch.flush(input.bytesRead());
          }
          options.progress().update(input.bytesRead(), input.totalBytes());
        }
      } finally {
        // What was read before a fatal error is kept: importing again later finishes the job.
        batch.flush(input.bytesRead());
      }
    } catch (UnreadableExport e) {
      throw new ExportFormatException(e.getMessage(), tally.summary(), e);
    }
    return tally.summary();
  }

  /**
   * Conversations waiting to be written together. Bounded by count and by the bytes of the
   * export they came from, so memory stays small whatever the export holds.
   */
  private static final class Batch {
    static final int MAX_CONVERSATIONS = 200;
    static final long MAX_INPUT_BYTES = 8L << 20;

    private final ConversationWriter writer;
    private final Tally tally;
    private final List<ImportedConversation> conversations = new ArrayList<>();
    private final List<Integer> numbers = new ArrayList<>();
    private long startBytes = -1;

    Batch(ConversationWriter writer, Tally tally) {
      this.writer = writer;
      this.tally = tally;
    }

    /** Adds a conversation; true when the batch is full and should be flushed. */
    boolean add(int number, ImportedConversation conversation, long bytesRead) {
      if (startBytes < 0) {
        startBytes = bytesRead;
      }
      conversations.add(conversation);
      numbers.add(number);
      return conversations.size() >= MAX_CONVERSATIONS || bytesRead - startBytes >= MAX_INPUT_BYTES;
    }

    void flush(long bytesRead) {
      if (conversations.isEmpty()) {
        return;
      }
      List<ConversationWriter.Result> results = writer.writeAll(conversations);
      for (int i = 0; i < results.size(); i++) {
        ConversationWriter.Result result = results.get(i);
        if (result.refusal() != null) {
          // A record the format refuses (a message over the size limit): the file's fault; the
          // conversation's savepoint has rolled back.
          tally.fail(numbers.get(i), conversations.get(i).externalId(), result.refusal().getMessage());
        } else {
          tally.add(result.outcome());
        }
      }
      conversations.clear();
      numbers.clear();
      startBytes = bytesRead;
    }
  }

  private static Optional<ImportedConversation> map(
      ConversationMapper mapper, Tally tally, int number, JsonNode node) {
    tally.read++;
    String id = node.isObject() ? safeId(mapper, node) : "";
    if (!node.isObject()) {
      tally.fail(
          number,
          id,
          "is not an object (found "
              + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
              + ")");
      return Optional.empty();
    }
    try {
      return Optional.of(mapper.map(node));
    } catch (ConversationProblem e) {
      tally.fail(number, id, e.getMessage());
      return Optional.empty();
    }
  }


  private static String safeId(ConversationMapper mapper, JsonNode node) {
    try {
      return mapper.idOf(node);
    } catch (ConversationProblem e) {
      return "";
    }
  }

  private static ConversationMapper mapperFor(Provider provider) {
    switch (provider) {
      case CHATGPT:
        return new ChatGptConversationMapper();
      case CLAUDE:
        return new ClaudeConversationMapper();
      default:
        throw new IllegalArgumentException("no importer for " + provider);
    }
  }

  /** Counts kept while importing. */
  private static final class Tally {
    private final Provider provider;
    private final String scope;
    private final List<ImportSummary.Failure> failures = new ArrayList<>();
    private int read;
    private int added;
    private int updated;
    private int unchanged;
    private int forgotten;
    private int messagesAdded;
    private int messagesPresent;
    private int instructionsAdded;

    Tally(Provider provider, String scope) {
      this.provider = provider;
      this.scope = scope;
    }

    void fail(int number, String id, String reason) {
      failures.add(new ImportSummary.Failure(number, id, reason));
    }

    void add(ConversationWriter.Outcome outcome) {
      switch (outcome.state()) {
        case ADDED:
          added++;
          break;
        case UPDATED:
          updated++;
          break;
        case UNCHANGED:
          unchanged++;
          break;
        case FORGOTTEN:
          forgotten++;
          break;
        default:
          throw new IllegalStateException(outcome.state().toString());
      }
      messagesAdded += outcome.messagesAdded();
      messagesPresent += outcome.messagesAlreadyPresent();
      instructionsAdded += outcome.instructionsAdded();
    }

    ImportSummary summary() {
      return new ImportSummary(
          provider,
          scope,
          read,
          added,
          updated,
          unchanged,
          forgotten,
          messagesAdded,
          messagesPresent,
          instructionsAdded,
          // Conversations are written in batches, so failures arrive out of file order.
          failures.stream()
              .sorted(java.util.Comparator.comparingInt(ImportSummary.Failure::number))
              .toList());
    }
  }
}
