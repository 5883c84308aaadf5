package dev.memvault.cli;

import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.DeviceInfo;
import dev.memvault.sdk.sync.SyncClient;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "List this vault's devices, from its signed device list.",
      "The sync server keeps the list and this device verifies it: a device the server added on",
      "its own would fail that check."
    })
final class DevicesCommand implements Callable<Integer> {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

  @Mixin VaultOptions vault;
  @Mixin ServerUrlOption server;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open();
        SyncClient client = server.connect(opened)) {
      for (DeviceInfo device : client.devices()) {
        String addedBy =
            device.addedWithRecoveryKey() ? "the recovery key" : device.addedBy().orElse("");
        if (json) {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("id", device.id());
          fields.put("added_at", device.addedAt().toString());
          fields.put("added_by", device.addedBy().orElse(null));
          fields.put("added_with_recovery_key", device.addedWithRecoveryKey());
          fields.put("active", device.active());
          fields.put("this_device", device.thisDevice());
          context.out().println(MemoryJson.line(fields));
        } else {
          context
              .out()
              .println(
                  String.format(
                      "%s  %-8s  added %s%s%s",
                      device.id(),
                      device.active() ? "active" : "revoked",
                      WHEN.format(device.addedAt()),
                      addedBy.isEmpty() ? "" : " by " + addedBy,
                      device.thisDevice() ? "  (this device)" : ""));
        }
      }
    }
    return Main.OK;
  }
}
