package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.proto.sync.SigningInputs;
import dev.memvault.proto.sync.v1.Change;

/** A queued local change as this device pushes it: its fields, signed with the device's key. */
public final class SignedChange {
  private SignedChange() {}

  public static Change of(
      DeviceSigningKey key, byte[] vaultId, ByteString deviceId, OutboxEntry entry) {
    Change unsigned =
        Change.newBuilder()
            .setChangeId(ByteString.copyFrom(entry.changeId()))
            .setDeviceId(deviceId)
            .setRecordId(ByteString.copyFrom(entry.recordId()))
            .setPayload(ByteString.copyFrom(entry.payload()))
            .build();
    return unsigned.toBuilder()
        .setSignature(ByteString.copyFrom(key.sign(SigningInputs.change(vaultId, unsigned))))
        .build();
  }
}
