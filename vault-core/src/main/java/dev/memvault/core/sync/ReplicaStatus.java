package dev.memvault.core.sync;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Where this device stands with its sync server, for a person to compare devices by eye: the log
 * position and a short fingerprint of the head hash it verified, what waits to be pushed or
 * confirmed, when it last synced, and the latest checkpoint seen of every device.
 */
public record ReplicaStatus(
    Optional<SyncCursor> cursor,
    long pendingChanges,
    long awaitingConfirmation,
    Optional<Instant> lastSync,
    List<DeviceCheckpoint> checkpoints) {

  /** A device's latest checkpoint: what it had verified, when, and where it sits in the log. */
  public record DeviceCheckpoint(
      String deviceIdHex, long logSeq, Instant madeAt, long atSeq, boolean thisDevice) {}

  /**
   * The first 8 bytes of the verified head hash in four groups ("3fa2 09c1 77de 5b10"): equal on
   * two devices at the same log position exactly when they saw the same history up to it.
   */
  public Optional<String> headFingerprint() {
    return cursor
        .filter(c -> c.seq() > 0)
        .map(
            c -> {
              String hex = HexFormat.of().formatHex(c.headHash(), 0, 8);
              return hex.substring(0, 4)
                  + " "
                  + hex.substring(4, 8)
                  + " "
                  + hex.substring(8, 12)
                  + " "
                  + hex.substring(12, 16);
            });
  }
}
