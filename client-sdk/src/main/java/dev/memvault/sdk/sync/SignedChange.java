package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.protocol.ChangeBatches;
import dev.memvault.protocol.CommittedPayloads;
import java.util.ArrayList;
import java.util.List;

/**
 * Queued local changes as this device pushes them: in the committed-payload form (each names what
 * it supersedes), one batch, signed once with its key.
 */
public final class SignedChange {
  private SignedChange() {}

  /** The changes of one push, in queue order, each with its proof of the batch's signature. */
  public static List<Change> batch(
      DeviceSigningKey key, byte[] vaultId, ByteString deviceId, List<OutboxEntry> entries) {
    List<Change> unsigned = new ArrayList<>(entries.size());
    for (OutboxEntry entry : entries) {
      unsigned.add(
          CommittedPayloads.commit(
              Change.newBuilder()
                  .setChangeId(ByteString.copyFrom(entry.changeId()))
                  .setDeviceId(deviceId)
                  .setRecordId(ByteString.copyFrom(entry.recordId()))
                  .setPayload(ByteString.copyFrom(entry.payload()))
                  .build(),
              entry.supersedesThrough()));
    }
    return ChangeBatches.sign(vaultId, deviceId, unsigned, key::sign);
  }
}
