package dev.memvault.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "grant",
    description = {
      "Let one AI provider read some scopes, or take it back.",
      "A grant lasts until it expires or you revoke it ('memvault grants' lists them). The provider makes its key with 'memvault provider keygen' and sends you",
      "the .pub file."
    },
    subcommands = {GrantCreateCommand.class, GrantRevokeCommand.class})
final class GrantCommand implements Runnable {
  @ParentCommand MemvaultCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(root.context.out());
  }
}
