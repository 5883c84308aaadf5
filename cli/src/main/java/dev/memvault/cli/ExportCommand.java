package dev.memvault.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "export",
    description = {
      "Export memories as memvault JSONL, PAM or Markdown.",
      "The open memvault format (lossless), Portable AI Memory (PAM), or readable Markdown."
    },
    subcommands = {ExportJsonlCommand.class, ExportMarkdownCommand.class, ExportPamCommand.class})
final class ExportCommand implements Runnable {
  @ParentCommand MemvaultCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(root.context.out());
  }
}
