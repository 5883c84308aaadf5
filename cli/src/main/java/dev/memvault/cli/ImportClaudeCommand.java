package dev.memvault.cli;

import dev.memvault.sdk.portable.provider.Provider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "claude",
    description = {
      "Import the conversations, memories and projects of a Claude data export.",
      "",
      "Get the export in Claude: Settings > Privacy > Export data; the e-mailed link downloads a"
          + " .zip. Give the .zip itself, the folder it unpacks to, or one of its files:"
          + " conversations.json, memories.json or projects.json.",
      "",
      "What Claude remembered about you (memories.json) is split into separate memories, one per"
          + " sentence or bullet, under its section headings: tastes and constraints (prefers,"
          + " vegetarian, allergic) become preferences, which 'memvault context' always shows;"
          + " what is current (top of mind) notes; the rest facts. Each project's instructions"
          + " become an instruction memory, its description and documents notes.",
      "",
      "Each conversation becomes a conversation memory with one memory per message. Thinking,"
          + " tool calls and tool results are kept as typed parts of their message, apart from"
          + " its visible text; attachments keep their file name and extracted text.",
      "",
      "Importing the same or a newer export again adds only what is new. A conversation the file"
          + " describes badly is skipped and listed; nothing of it is imported.",
      "",
      "Example: memvault import claude ~/Downloads/claude-export.zip --scope chats",
      ""
    },
    footer = {
      "",
      "Exit status: 0 when the file was read (failed conversations are listed), 1 when it cannot"
          + " be read as a Claude export or no conversation could be imported, 2 on a usage"
          + " error."
    })
final class ImportClaudeCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Mixin ProviderImportArguments arguments;

  @Override
  public Integer call() {
    return ProviderImportReport.run(vault, Provider.CLAUDE, arguments.export, arguments.scope);
  }
}
