package dev.memvault.core.sync;

import java.util.Arrays;
import java.util.List;

/**
 * Where this device stands with its sync server: the server URL, the server identity pinned at
 * first contact (empty before), the seq of the last log entry applied and the hash of that entry,
 * the head this device verified last (32 zero bytes at seq 0), and the entries up to there whose
 * dropped payloads no entry applied so far has released ({@link DroppedPayload}): they travel with
 * the head, so a pull cut short still checks them in the next one.
 */
public record SyncCursor(
    String serverUrl,
    String serverId,
    long seq,
    byte[] headHash,
    List<DroppedPayload> awaitingRelease) {
  public static final int HASH_LENGTH = 32;

  public SyncCursor {
    headHash = headHash.clone();
    awaitingRelease = List.copyOf(awaitingRelease);
    if (headHash.length != HASH_LENGTH) {
      throw new IllegalArgumentException("a head hash has " + HASH_LENGTH + " bytes");
    }
  }

  public SyncCursor(String serverUrl, String serverId, long seq, byte[] headHash) {
    this(serverUrl, serverId, seq, headHash, List.of());
  }

  /** A device that has never synced with {@code serverUrl}. */
  public static SyncCursor start(String serverUrl) {
    return new SyncCursor(serverUrl, "", 0, new byte[HASH_LENGTH]);
  }

  @Override
  public byte[] headHash() {
    return headHash.clone();
  }

  public SyncCursor withHead(long newSeq, byte[] newHash) {
    return new SyncCursor(serverUrl, serverId, newSeq, newHash, awaitingRelease);
  }

  /** This cursor with {@code awaiting} as the dropped payloads still unexplained. */
  public SyncCursor withAwaitingRelease(List<DroppedPayload> awaiting) {
    return new SyncCursor(serverUrl, serverId, seq, headHash, awaiting);
  }

  public SyncCursor withServerId(String id) {
    return new SyncCursor(serverUrl, id, seq, headHash, awaitingRelease);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SyncCursor c
        && c.serverUrl.equals(serverUrl)
        && c.serverId.equals(serverId)
        && c.seq == seq
        && Arrays.equals(c.headHash, headHash)
        && c.awaitingRelease.equals(awaitingRelease);
  }

  @Override
  public int hashCode() {
    return serverUrl.hashCode() * 31 + Long.hashCode(seq);
  }
}
