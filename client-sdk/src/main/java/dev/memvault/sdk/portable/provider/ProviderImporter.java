package dev.memvault.sdk.portable.provider;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.chatgpt.ChatGptConversationMapper;
import dev.memvault.sdk.portable.provider.claude.ClaudeAccountImport;
import dev.memvault.sdk.portable.provider.claude.ClaudeConversationMapper;
import dev.memvault.sdk.portable.provider.gemini.GeminiActivityImport;
import dev.memvault.sdk.portable.provider.grok.GrokConversationMapper;
import dev.memvault.sdk.portable.provider.internal.ConversationBatch;
import dev.memvault.sdk.portable.provider.internal.ConversationMapper;
import dev.memvault.sdk.portable.provider.internal.ConversationProblem;
import dev.memvault.sdk.portable.provider.internal.ConversationReader;
import dev.memvault.sdk.portable.provider.internal.ConversationWriter;
import dev.memvault.sdk.portable.provider.internal.ExportEntry;
import dev.memvault.sdk.portable.provider.internal.ExportInput;
import dev.memvault.sdk.portable.provider.internal.ImportTally;
import dev.memvault.sdk.portable.provider.internal.ImportedConversation;
import dev.memvault.sdk.portable.provider.internal.MemoryWriter;
import dev.memvault.sdk.portable.provider.internal.UnreadableExport;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Imports a ChatGPT, Claude, Gemini or Grok data export (the downloaded zip, the folder it unpacks
 * to, or its JSON file) into a vault: each conversation becomes a {@code CONVERSATION} memory with
 * one {@code MESSAGE} memory per message (docs/FORMAT.md, section 4). Of a Claude export, what
 * Claude remembered ({@code memories.json}) becomes facts, preferences and notes, and its projects
 * ({@code projects.json}) instructions and notes (section 4.2).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Streaming: the file is read one conversation (or project) at a time, so memory use does not
 *       grow with the size of the export. Gemini's activity log interleaves conversations; it is
 *       read in passes, each collecting the conversations that fit a fixed budget.
 *   <li>All or nothing per conversation: each is written in one transaction. A conversation the
 *       file describes badly (a broken message tree, a field of the wrong type) is skipped, leaves
 *       no trace and is reported in {@link ImportSummary#failures()} with the field at fault; the
 *       others are imported.
 *   <li>Idempotent: importing the same export again adds nothing; a newer export of the same
 *       account adds only new conversations and messages, keyed by the provider's ids.
 *   <li>A file that cannot be read on (not a zip or JSON, not an export, truncated) stops the
 *       import with an {@link ExportFormatException} that says where; conversations imported before
 *       that point stay, and importing a complete file later finishes the job. Gemini's log is read
 *       to its end before anything of it is written, so a truncated one writes nothing.
 * </ul>
 */
public final class ProviderImporter {
  static final String CLAUDE_MEMORIES = "memories.json";
  static final String CLAUDE_PROJECTS = "projects.json";

  private ProviderImporter() {}

  /**
   * @throws VaultException.NotFound if {@code export} does not exist
   * @throws ExportFormatException if it is not a readable export of {@code provider}
   */
  public static ImportSummary run(
      MemoryVault vault, Provider provider, Path export, ImportOptions options) {
    String exportName = "a " + provider.displayName() + " data export";
    ImportTally tally = new ImportTally(provider, options.scope());
    try {
      switch (provider) {
        case CHATGPT:
          importConversations(
              vault, new ChatGptConversationMapper(), export, exportName, options, tally);
          break;
        case CLAUDE:
          importClaude(vault, export, exportName, options, tally);
          break;
        case GEMINI:
          GeminiActivityImport.run(
              writer(vault, provider, options), export, exportName, options.progress(), tally);
          break;
        case GROK:
          importGrok(vault, export, exportName, options, tally);
          break;
        default:
          throw new IllegalArgumentException("no importer for " + provider);
      }
    } catch (UnreadableExport e) {
      throw new ExportFormatException(e.getMessage(), tally.summary(), e);
    }
    return tally.summary();
  }

  private static ConversationWriter writer(
      MemoryVault vault, Provider provider, ImportOptions options) {
    return new ConversationWriter(
        vault.transactions(), provider.id(), options.scope(), options.app());
  }

  private static MemoryWriter memoryWriter(
      MemoryVault vault, Provider provider, ImportOptions options) {
    return new MemoryWriter(vault.transactions(), provider.id(), options.scope(), options.app());
  }

  private static void importConversations(
      MemoryVault vault,
      ConversationMapper mapper,
      Path export,
      String exportName,
      ImportOptions options,
      ImportTally tally) {
    try (ExportInput input = ExportInput.open(export, exportName);
        ConversationReader reader =
            new ConversationReader(input.stream(), input.description(), exportName)) {
      ConversationWriter writer = writer(vault, tally.provider(), options);
      readConversations(mapper, input, reader, exportName, writer, options, tally);
    }
  }

  /**
   * Reads {@code reader} to its end, writing conversations in batches. What was read before a fatal
   * error is kept: importing again later finishes the job.
   */
  private static void readConversations(
      ConversationMapper mapper,
      ExportInput input,
      ConversationReader reader,
      String exportName,
      ConversationWriter writer,
      ImportOptions options,
      ImportTally tally) {
    ConversationBatch batch = new ConversationBatch(writer, tally);
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
        options.progress().conversationsRead(number);
        options.progress().update(input.bytesRead(), input.totalBytes());
      }
    } finally {
      batch.flush(input.bytesRead());
    }
  }

  /**
   * A Claude export: its projects, then what Claude remembered (which names the projects), then the
   * conversations. A loose {@code memories.json} or {@code projects.json} imports alone.
   */
  private static void importClaude(
      MemoryVault vault, Path export, String exportName, ImportOptions options, ImportTally tally) {
    MemoryWriter memories = memoryWriter(vault, Provider.CLAUDE, options);
    ClaudeAccountImport account = new ClaudeAccountImport(memories, exportName, tally);
    if (!ExportInput.isArchive(export)) {
      String name = export.getFileName().toString();
      if (name.equals(CLAUDE_MEMORIES)) {
        try (ExportInput input = ExportInput.open(export, exportName)) {
          account.memories(input);
        }
        return;
      }
      if (name.equals(CLAUDE_PROJECTS)) {
        try (ExportInput input = ExportInput.open(export, exportName)) {
          account.projects(input);
        }
        return;
      }
      importConversations(
          vault, new ClaudeConversationMapper(), export, exportName, options, tally);
      return;
    }
    boolean found = false;
    Optional<ExportInput> projects = ExportInput.find(export, ExportEntry.named(CLAUDE_PROJECTS));
    if (projects.isPresent()) {
      found = true;
      try (ExportInput input = projects.get()) {
        account.projects(input);
      }
    }
    Optional<ExportInput> remembered = ExportInput.find(export, ExportEntry.named(CLAUDE_MEMORIES));
    if (remembered.isPresent()) {
      found = true;
      try (ExportInput input = remembered.get()) {
        account.memories(input);
      }
    }
    Optional<ExportInput> conversations =
        ExportInput.find(export, ExportEntry.named(ExportInput.CONVERSATIONS_JSON));
    if (conversations.isEmpty()) {
      if (!found) {
        // Neither conversations, memories nor projects: the usual message.
        ExportInput.open(export, exportName).close();
      }
      return;
    }
    try (ExportInput input = conversations.get();
        ConversationReader reader =
            new ConversationReader(input.stream(), input.description(), exportName)) {
      readConversations(
          new ClaudeConversationMapper(),
          input,
          reader,
          exportName,
          writer(vault, Provider.CLAUDE, options),
          options,
          tally);
    }
  }

  /** xAI's export: one JSON file whose {@code conversations} list holds the conversations. */
  private static void importGrok(
      MemoryVault vault, Path export, String exportName, ImportOptions options, ImportTally tally) {
    ConversationWriter writer = writer(vault, Provider.GROK, options);
    try (ExportInput input = ExportInput.open(export, exportName, GrokConversationMapper.EXPORT);
        ConversationReader reader =
            ConversationReader.inField(
                input.stream(),
                input.description(),
                exportName,
                GrokConversationMapper.CONVERSATIONS,
                Set.of(GrokConversationMapper.PROJECTS))) {
      readConversations(
          new GrokConversationMapper(), input, reader, exportName, writer, options, tally);
      JsonNode projects = reader.kept().get(GrokConversationMapper.PROJECTS);
      if (projects != null) {
        GrokConversationMapper.importProjects(
            projects, memoryWriter(vault, Provider.GROK, options), tally);
      }
    }
  }

  private static Optional<ImportedConversation> map(
      ConversationMapper mapper, ImportTally tally, int number, JsonNode node) {
    tally.read();
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
}
