package dev.memvault.cli;

import dev.memvault.sdk.portable.provider.Provider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "gemini",
    description = {
      "Import the Gemini conversations of a Google Takeout export.",
      "",
      "Get the export at takeout.google.com: deselect all, select My Activity, under 'All"
          + " activity data included' keep only Gemini Apps, and under 'Multiple formats' choose"
          + " JSON. Give the Takeout .zip itself, the folder it unpacks to, or its"
          + " My Activity/Gemini Apps/MyActivity.json.",
      "",
      "Takeout logs one entry per exchange. Entries are grouped into conversations by the"
          + " conversation link they carry and put in time order; a conversation's title is its"
          + " first prompt. An entry without a link becomes a conversation of its own.",
      "",
      "Importing the same or a newer export again adds only what is new. A conversation the file"
          + " describes badly is skipped and listed; nothing of it is imported. A file that cannot"
          + " be read to its end is refused before anything is imported.",
      "",
      "Example: memvault import gemini ~/Downloads/takeout-20250601.zip --scope chats",
      ""
    },
    footer = {
      "",
      "Exit status: 0 when the file was read (failed conversations are listed), 1 when it cannot"
          + " be read as Gemini's activity or no conversation could be imported, 2 on a usage"
          + " error."
    })
final class ImportGeminiCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Mixin ProviderImportArguments arguments;

  @Override
  public Integer call() {
    return ProviderImportReport.run(vault, Provider.GEMINI, arguments.export, arguments.scope);
  }
}
