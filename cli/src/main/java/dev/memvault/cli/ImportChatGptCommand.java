package dev.memvault.cli;

import dev.memvault.sdk.portable.provider.Provider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "chatgpt",
    description = {
      "Import the conversations of a ChatGPT data export.",
      "",
      "Get the export in ChatGPT: Settings > Data controls > Export data; the e-mailed link"
          + " downloads a .zip. Give the .zip itself, the folder it unpacks to, or its"
          + " conversations.json.",
      "",
      "Each conversation becomes a conversation memory with one memory per message. Edited"
          + " prompts and regenerated answers are kept as alternate branches; hidden system"
          + " messages are left out; custom instructions become instruction memories.",
      "",
      "Importing the same or a newer export again adds only what is new. A conversation the file"
          + " describes badly is skipped and listed; nothing of it is imported.",
      "",
      "Example: memvault import chatgpt ~/Downloads/chatgpt-export.zip --scope chats",
      ""
    },
    footer = {
      "",
      "Exit status: 0 when the file was read (failed conversations are listed), 1 when it cannot"
          + " be read as a ChatGPT export or no conversation could be imported, 2 on a usage"
          + " error."
    })
final class ImportChatGptCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Mixin ProviderImportArguments arguments;

  @Override
  public Integer call() {
    return ProviderImportReport.run(vault, Provider.CHATGPT, arguments.export, arguments.scope);
  }
}
