package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import dev.memvault.protocol.DeviceChain;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A device of the vault as its verified device chain lists it.
 *
 * @param addedBy the id of the device that approved it; empty if the recovery key did, or it is the
 *     vault's first device
 * @param addedWithRecoveryKey whether it joined with the recovery key
 */
public record DeviceInfo(
    String id,
    Instant addedAt,
    Optional<String> addedBy,
    boolean addedWithRecoveryKey,
    boolean active,
    boolean thisDevice) {

  static DeviceInfo of(DeviceChain.Member member, ByteString self) {
    String id = hex(member.deviceId());
    Optional<String> by =
        member.addedBy().isEmpty() || member.addedBy().equals(member.deviceId())
            ? Optional.empty()
            : Optional.of(hex(member.addedBy()));
    return new DeviceInfo(
        id,
        Instant.ofEpochMilli(member.addedAtMillis()),
        by,
        member.addedBy().isEmpty(),
        member.active(),
        member.deviceId().equals(self));
  }

  private static String hex(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }
}
