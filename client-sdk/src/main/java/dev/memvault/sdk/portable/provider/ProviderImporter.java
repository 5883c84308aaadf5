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
        new ConversationWriter(vault.engine(), provider.id(), options.scope(), options.app());
    try (ExportInput input = ExportInput.open(export, exportName);
        ConversationReader reader =
            new ConversationReader(input.stream(), input.description(), exportName)) {
      for (JsonNode node = reader.next(); node != null; node = reader.next()) {
        int number = reader.count();
        if (number == 1) {
          Optional<String> other = mapper.otherProvider(node);
          if (other.isPresent()) {
            throw new ExportFormatException(
                input.description() + " is not " + exportName + ": " + other.get());
          }
        }
        importOne(mapper, writer, tally, number, node);
        options.progress().update(input.bytesRead(), input.totalBytes());
      }
    } catch (UnreadableExport e) {
      throw new ExportFormatException(e.getMessage(), tally.summary(), e);
    }
    return tally.summary();
  }

  private static void importOne(
      ConversationMapper mapper,
      ConversationWriter writer,
      Tally tally,
      int number,
      JsonNode node) {
    tally.read++;
    String id = node.isObject() ? safeId(mapper, node) : "";
    if (!node.isObject()) {
      tally.fail(
          number,
          id,
          "is not an object (found "
              + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
              + ")");
      return;
    }
    ImportedConversation conversation;
    try {
      conversation = mapper.map(node);
    } catch (ConversationProblem e) {
      tally.fail(number, id, e.getMessage());
      return;
    }
    ConversationWriter.Outcome outcome;
    try {
      outcome = writer.write(conversation);
    } catch (VaultException.InvalidInput e) {
      // A record the format refuses (a message over the size limit): the file's fault, and the
      // transaction has rolled back.
      tally.fail(number, id, e.getMessage());
      return;
    }
    tally.add(outcome);
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
          failures);
    }
  }
}
