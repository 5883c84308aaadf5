package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import dev.memvault.sdk.sync.VaultGrants;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "revoke",
    description = {
      "End a grant: the server refuses its provider from the next call, and the granted",
      "scopes' keys rotate, so memories written from now on stay unreadable to it even if a",
      "server hands it everything. What it already read cannot be unread."
    })
final class GrantRevokeCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;
  @Mixin ServerUrlOption server;

  @Parameters(paramLabel = "NAME", description = "The grant's name or id ('memvault grants').")
  String grant;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open();
        SyncClient client = server.connect(opened)) {
      VaultGrants.GrantInfo revoked = new VaultGrants(client, Clock.systemUTC()).revoke(grant);
      context
          .out()
          .println(
              "revoked grant '"
                  + revoked.name()
                  + "': the server refuses its provider from now on, and the keys of "
                  + String.join(", ", revoked.scopes())
                  + " were rotated, so memories written from now on stay unreadable to it."
                  + " What it already read ("
                  + revoked.recordsServed()
                  + " records served) cannot be unread.");
    }
    return Main.OK;
  }
}
