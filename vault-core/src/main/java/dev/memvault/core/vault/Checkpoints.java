package dev.memvault.core.vault;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.RemoteChange;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.proto.v1.Checkpoint;
import dev.memvault.proto.v1.SyncPayload;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Signed checkpoints (docs/FORMAT.md, section 14.4): after a sync that changed something, a device
 * pushes what it had verified (log position and hash, device chain head) as a change of its own.
 * Every other device checks each checkpoint against the log it verified: a checkpoint whose hash at
 * a position differs from this device's is proof that the server showed the two devices different
 * histories. The latest checkpoint of each device is kept, so that a device whose checkpoints stop
 * advancing shows as stale.
 *
 * <p>What this cannot catch alone: a server that keeps two views apart for good and never lets one
 * device's checkpoints reach the other. The two then see each other's checkpoints stop advancing
 * ({@code memvault status}), which a person can notice; the log head fingerprints of the two
 * devices differ.
 */
final class Checkpoints {
  private final SyncRows syncRows;
  private final byte[] deviceId;
  private final Clock clock;

  Checkpoints(SyncRows syncRows, byte[] deviceId, Clock clock) {
    this.syncRows = syncRows;
    this.deviceId = deviceId;
    this.clock = clock;
  }

  /** Keeps the entry hash of a verified log position, for checking checkpoints later. */
  void verified(RemoteChange change) throws SQLException {
    syncRows.putLogHash(change.seq(), change.entryHash());
  }

  void verified(SyncCursor cursor) throws SQLException {
    if (cursor.seq() > 0) {
      syncRows.putLogHash(cursor.seq(), cursor.headHash());
    }
  }

  /**
   * Checks a checkpoint pulled at {@code change}'s position and keeps it as its device's latest.
   *
   * @throws VaultException.Corrupt if it contradicts this device's view of the log
   */
  void receive(Checkpoint checkpoint, RemoteChange change) throws SQLException {
    if (!Arrays.equals(checkpoint.getDeviceId().toByteArray(), change.deviceId())) {
      throw Failures.refusedChange(
          "holds a checkpoint of a device other than the one that signed it");
    }
    if (Long.compareUnsigned(checkpoint.getLogSeq(), change.seq()) >= 0) {
      throw Failures.refusedChange(
          "holds a checkpoint naming log position "
              + Long.toUnsignedString(checkpoint.getLogSeq())
              + ", not before its own position "
              + change.seq());
    }
    Optional<byte[]> mine = syncRows.logHash(checkpoint.getLogSeq());
    if (mine.isPresent()
        && !MessageDigest.isEqual(mine.get(), checkpoint.getLogHeadHash().toByteArray())) {
      throw new VaultException.Corrupt(
          "the sync server showed device "
              + shortId(change.deviceId())
              + " a different history than this device (they disagree at log position "
              + checkpoint.getLogSeq()
              + "): the server is lying or was altered; refusing to sync. Nothing on this device"
              + " was changed; choose the device whose memories you trust and move the vault to a"
              + " fresh server log from it (README, 'When the server lied')");
    }
    syncRows.putCheckpoint(
        new SyncRows.SeenCheckpoint(
            change.deviceId(), checkpoint.getLogSeq(), checkpoint.getMadeAtMs(), change.seq()));
  }

  /** This device's own checkpoint, pulled back at {@code change}'s position. */
  void receiveOwn(SyncPayload payload, RemoteChange change) throws SQLException {
    if (payload.getContentCase() == SyncPayload.ContentCase.CHECKPOINT) {
      Checkpoint checkpoint = payload.getCheckpoint();
      syncRows.putCheckpoint(
          new SyncRows.SeenCheckpoint(
              deviceId, checkpoint.getLogSeq(), checkpoint.getMadeAtMs(), change.seq()));
    }
  }

  /**
   * Whether {@code payload} is a checkpoint made after the last sync these files recorded: the
   * device made it after its files were in the state they are now, so they went back in time.
   */
  boolean madeAfterLastSync(SyncPayload payload) throws SQLException {
    if (payload.getContentCase() != SyncPayload.ContentCase.CHECKPOINT) {
      return false;
    }
    Optional<Long> lastSync = syncRows.lastSync();
    return lastSync.isPresent() && payload.getCheckpoint().getMadeAtMs() > lastSync.get();
  }

  /** The payload of this device's checkpoint of {@code cursor} and {@code chainHead}, now. */
  byte[] make(SyncCursor cursor, ChainHead chainHead) {
    return SyncPayload.newBuilder()
        .setCheckpoint(
            Checkpoint.newBuilder()
                .setDeviceId(ByteString.copyFrom(deviceId))
                .setLogSeq(cursor.seq())
                .setLogHeadHash(ByteString.copyFrom(cursor.headHash()))
                .setChainSeq(chainHead.seq())
                .setChainHeadHash(ByteString.copyFrom(chainHead.hash()))
                .setMadeAtMs(clock.millis()))
        .build()
        .toByteArray();
  }

  static String shortId(byte[] deviceId) {
    return HexFormat.of().formatHex(deviceId).substring(0, 8);
  }
}
