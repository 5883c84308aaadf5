package dev.memvault.cli;

import dev.memvault.server.ServerMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code memvault server ...}: runs the sync server (dev.memvault.server.ServerMain) in this
 * process with the same arguments, so one download serves both roles. Every option, {@code --help}
 * included, is the server's own; the command exits when the server stops.
 */
@Command(
    name = "server",
    description = {
      "Run a sync server.",
      "memvault server --data DIR --listen HOST:PORT [...].",
      "It stores only ciphertext and opaque ids. 'memvault server --help' lists its options."
    })
final class ServerCommand implements Callable<Integer> {
  @Unmatched List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() {
    // ServerMain.main blocks while the server runs and exits the process with its exit code.
    ServerMain.main(arguments.toArray(new String[0]));
    return Main.OK;
  }
}
