package dev.memvault.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "provider",
    description = {
      "An AI provider's side of a grant.",
      "Make the provider's key pair, then read what a person granted, by search or as an MCP server. No vault of your own is needed."
    },
    subcommands = {
      ProviderKeygenCommand.class,
      ProviderSearchCommand.class,
      ProviderMcpCommand.class
    })
final class ProviderCommand implements Runnable {
  @ParentCommand MemvaultCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(root.context.out());
  }
}
