package dev.memvault.cli;

import dev.memvault.core.sync.ReplicaStatus;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show where this device stands with its sync server.",
      "To compare devices by eye.",
      "",
      "The log line gives the position this device verified and a fingerprint of the history up"
          + " to it: two devices at the same position must show the same fingerprint, or the"
          + " server showed them different histories. Each device of the vault pushes a signed"
          + " checkpoint when a sync changed something; the list shows the latest one seen of"
          + " each. A device that syncs but whose checkpoints stop advancing here is what a"
          + " server keeping two views apart looks like from inside.",
      "Works offline: it reads only this device's vault."
    })
final class StatusCommand implements Callable<Integer> {
  /** A device's checkpoint older than this, while this device synced since, is shown as stale. */
  static final Duration STALE_AFTER = Duration.ofDays(1);

  @Mixin VaultOptions vault;

  @Option(names = "--json", description = "One JSON object instead of text.")
  boolean json;

  private final Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open()) {
      ReplicaStatus status = opened.replica().status();
      String vaultId = HexFormat.of().formatHex(opened.replica().vaultIdBytes());
      if (json) {
        context.out().println(MemoryJson.line(jsonFields(status, vaultId, opened.deviceId())));
      } else {
        text(context, status, vaultId, opened.deviceId());
      }
    }
    return Main.OK;
  }

  private void text(CliContext context, ReplicaStatus status, String vaultId, String deviceId) {
    var out = context.out();
    out.println("vault      " + vaultId + " (this device " + deviceId.substring(0, 8) + ")");
    if (status.cursor().isEmpty()) {
      out.println("sync       not synced yet: 'memvault sync --server URL' starts");
    } else {
      SyncCursor cursor = status.cursor().get();
      out.println("server     " + cursor.serverUrl());
      out.println(
          "log        position "
              + cursor.seq()
              + status.headFingerprint().map(f -> ", history " + f).orElse("")
              + "   (compare between devices)");
      out.println("last sync  " + status.lastSync().map(this::when).orElse("none finished yet"));
    }
    out.println(
        "pending    "
            + status.pendingChanges()
            + " local change(s) to push, "
            + status.awaitingConfirmation()
            + " pushed change(s) awaiting confirmation");
    if (status.checkpoints().isEmpty()) {
      out.println("devices    no checkpoints seen yet");
      return;
    }
    out.println("devices    latest checkpoint seen of each:");
    for (ReplicaStatus.DeviceCheckpoint checkpoint : status.checkpoints()) {
      out.println(
          "  "
              + checkpoint.deviceIdHex().substring(0, 8)
              + (checkpoint.thisDevice() ? "  this device" : "             ")
              + "  verified position "
              + checkpoint.logSeq()
              + ", "
              + when(checkpoint.madeAt())
              + (stale(status, checkpoint) ? "   STALE: no newer checkpoint seen" : ""));
    }
  }

  private Map<String, Object> jsonFields(ReplicaStatus status, String vaultId, String deviceId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("vault", vaultId);
    fields.put("device", deviceId);
    status.cursor().ifPresent(cursor -> fields.put("server", cursor.serverUrl()));
    fields.put("logPosition", status.cursor().map(SyncCursor::seq).orElse(0L));
    status.headFingerprint().ifPresent(f -> fields.put("history", f));
    status.lastSync().ifPresent(at -> fields.put("lastSync", at.toString()));
    fields.put("pendingChanges", status.pendingChanges());
    fields.put("awaitingConfirmation", status.awaitingConfirmation());
    List<Map<String, Object>> devices =
        status.checkpoints().stream()
            .map(
                checkpoint -> {
                  Map<String, Object> device = new LinkedHashMap<>();
                  device.put("device", checkpoint.deviceIdHex());
                  device.put("thisDevice", checkpoint.thisDevice());
                  device.put("verifiedPosition", checkpoint.logSeq());
                  device.put("madeAt", checkpoint.madeAt().toString());
                  device.put("stale", stale(status, checkpoint));
                  return device;
                })
            .toList();
    fields.put("checkpoints", devices);
    return fields;
  }

  /** Another device's checkpoint is stale once this device synced well after it was made. */
  private static boolean stale(ReplicaStatus status, ReplicaStatus.DeviceCheckpoint checkpoint) {
    return !checkpoint.thisDevice()
        && status
            .lastSync()
            .map(last -> Duration.between(checkpoint.madeAt(), last).compareTo(STALE_AFTER) > 0)
            .orElse(false);
  }

  private String when(Instant at) {
    Duration ago = Duration.between(at, clock.instant());
    String age =
        ago.isNegative()
            ? "ahead of this clock"
            : ago.toMinutes() < 1
                ? "just now"
                : ago.toHours() < 1
                    ? ago.toMinutes() + " min ago"
                    : ago.toDays() < 1 ? ago.toHours() + " h ago" : ago.toDays() + " days ago";
    return at.truncatedTo(ChronoUnit.SECONDS) + " (" + age + ")";
  }
}
