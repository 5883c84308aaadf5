package dev.memvault.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "device",
    description = {"Add a device to this vault, or revoke one.", "'memvault devices' lists them."},
    subcommands = {DeviceLinkCommand.class, DeviceRevokeCommand.class})
final class DeviceCommand implements Runnable {
  @ParentCommand MemvaultCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(root.context.out());
  }
}
