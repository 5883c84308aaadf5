package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "revoke",
    description = {
      "Revoke a lost or retired device: the server refuses it from now on, other devices ignore",
      "what it writes after this point of the log, and a new epoch of the vault's root key is",
      "sealed to the remaining devices only, under which every scope key is rotated: memories",
      "written from now on stay unreadable to it even if a server hands it everything. Its copy",
      "of older memories stays readable to whoever holds it: change your passphrase if it may",
      "know it."
    })
final class DeviceRevokeCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;
  @Mixin ServerUrlOption server;

  @Parameters(paramLabel = "ID", description = "The device id, as 'memvault devices' prints it.")
  String deviceId;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open();
        SyncClient client = server.connect(opened)) {
      client.revoke(deviceId);
      context
          .out()
          .println(
              "revoked device "
                  + deviceId
                  + "; started key epoch "
                  + opened.replica().currentKeyEpoch()
                  + " for the remaining devices, rotated every scope key under it and synced."
                  + " What it already read stays readable to it.");
    }
    return Main.OK;
  }
}
