package dev.memvault.cli;

import dev.memvault.sdk.portable.provider.Provider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "grok",
    description = {
      "Import the conversations of a Grok (xAI) data export.",
      "",
      "Get the export at accounts.x.ai: Data > Download your data; the e-mailed link downloads a"
          + " .zip. Give the .zip itself, the folder it unpacks to, or its"
          + " prod-grok-backend.json.",
      "",
      "Each conversation becomes a conversation memory with one memory per message. Regenerated"
          + " answers are kept as alternate branches, the newest answer on the visible thread;"
          + " thinking and cited web pages are kept as typed parts; a project's custom"
          + " personality becomes an instruction memory.",
      "",
      "Importing the same or a newer export again adds only what is new. A conversation the file"
          + " describes badly is skipped and listed; nothing of it is imported.",
      "",
      "Example: memvault import grok ~/Downloads/grok-export.zip --scope chats",
      ""
    },
    footer = {
      "",
      "Exit status: 0 when the file was read (failed conversations are listed), 1 when it cannot"
          + " be read as a Grok export or no conversation could be imported, 2 on a usage"
          + " error."
    })
final class ImportGrokCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Mixin ProviderImportArguments arguments;

  @Override
  public Integer call() {
    return ProviderImportReport.run(vault, Provider.GROK, arguments.export, arguments.scope);
  }
}
