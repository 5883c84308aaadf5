package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.DeviceLinking;
import dev.memvault.sdk.sync.SyncClient;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "link",
    description = {
      "Add a new device to this vault: prints a one-time pairing code alone on the first line,",
      "then waits for the new device to run 'memvault join --server URL --code CODE' and approves",
      "it: the device is added to the signed device list and receives the vault's keys,",
      "encrypted to it. The sync server relays both and can read neither.",
    })
final class DeviceLinkCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;
  @Mixin ServerUrlOption server;

  @Option(
      names = "--timeout",
      paramLabel = "MINUTES",
      defaultValue = "10",
      description = "How long to wait for the new device (at most 10, the code's lifetime).")
  int timeoutMinutes;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open();
        SyncClient client = server.connect(opened)) {
      DeviceLinking linking = DeviceLinking.start(client);
      String code = linking.code().toDisplayString();
      context.out().println(code);
      context.out().flush();
      String until =
          DateTimeFormatter.ofPattern("HH:mm")
              .withZone(ZoneId.systemDefault())
              .format(linking.expiresAt());
      context
          .err()
          .println(
              "On the new device, run: memvault join --server "
                  + client.serverUrl()
                  + " --code "
                  + code);
      context.err().println("Waiting for it until " + until + " ...");
      context.err().flush();
      String added = linking.approve(Duration.ofMinutes(timeoutMinutes));
      context.out().println("linked device " + added + "; it now syncs this vault");
    }
    return Main.OK;
  }
}
