package dev.memvault.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "import",
    description = {
      "Import conversations and memories from another assistant or a memvault export."
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
