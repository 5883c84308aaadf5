package dev.memvault.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "import",
    description = {
      "Import from another assistant, a memvault export or PAM.",
      "Conversations and memories, each importer reading its product's own export."
    },
    subcommands = {
      ImportChatGptCommand.class,
      ImportClaudeCommand.class,
      ImportGeminiCommand.class,
      ImportGrokCommand.class,
      ImportJsonlCommand.class,
      ImportPamCommand.class
    })
final class ImportCommand implements Runnable {
  @ParentCommand MemvaultCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(root.context.out());
  }
}
