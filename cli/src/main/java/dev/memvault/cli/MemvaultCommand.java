package dev.memvault.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code memvault} command; its subcommands do the work. */
@Command(
    name = "memvault",
    mixinStandardHelpOptions = true,
    version = "memvault 0.1.0",
    description = {
      "A portable, end-to-end encrypted memory vault for AI assistants.",
      "Memories are encrypted on this device with keys only you hold.",
      "",
      "Passphrases come from MEMVAULT_PASSPHRASE or a prompt, never from arguments;",
      "'memvault unlock' asks once for a while."
    },
    subcommands = {
      InitCommand.class,
      AddCommand.class,
      SearchCommand.class,
      IndexCommand.class,
      ListCommand.class,
      ShowCommand.class,
      UpdateCommand.class,
      ForgetCommand.class,
      ScopesCommand.class,
      RotateKeyCommand.class,
      PasswdCommand.class,
      RekeyCommand.class,
      RecoverCommand.class,
      UnlockCommand.class,
      LockCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      ContextCommand.class,
      McpCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      DemoCommand.class,
      SyncCommand.class,
      StatusCommand.class,
      DevicesCommand.class,
      DeviceCommand.class,
      GrantCommand.class,
      GrantsCommand.class,
      ProviderCommand.class,
      JoinCommand.class,
      ServerCommand.class,
      CommandLine.HelpCommand.class
    })
final class MemvaultCommand implements Runnable {
  final CliContext context;

  @Spec CommandSpec spec;

  MemvaultCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public void run() {
    spec.commandLine().usage(context.out());
  }
}
