package dev.memvault.cli;

import dev.memvault.cli.session.SessionClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    mixinStandardHelpOptions = true,
    name = "lock",
    description = {
      "End an unlocked session before its time is up.",
      "Ends the session 'memvault unlock' started: the agent zeroes the key it held and exits;",
      "the next command asks for the passphrase."
    })
final class LockCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Override
  public Integer call() {
    boolean wasUnlocked = SessionClient.forVault(vault.directory()).lock();
    vault.context().out().println(wasUnlocked ? "locked" : "was not unlocked");
    return Main.OK;
  }
}
