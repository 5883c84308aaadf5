package dev.memvault.core.sync;

import java.util.Arrays;

/**
 * Where this device stands with its sync server: the server URL, the server identity pinned at
 * first contact (empty before), the seq of the last log entry applied and the hash of that entry,
 * the head this device verified last (32 zero bytes at seq 0).
 */
public record SyncCursor(String serverUrl, String serverId, long seq, byte[] headHash) {
  public static final int HASH_LENGTH = 32;

  public SyncCursor {
    headHash = headHash.clone();
    if (headHash.length != HASH_LENGTH) {
      throw new IllegalArgumentException("a head hash has " + HASH_LENGTH + " bytes");
    }
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
    return new SyncCursor(serverUrl, serverId, newSeq, newHash);
  }

  public SyncCursor withServerId(String id) {
    return new SyncCursor(serverUrl, id, seq, headHash);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SyncCursor c
        && c.serverUrl.equals(serverUrl)
        && c.serverId.equals(serverId)
        && c.seq == seq
        && Arrays.equals(c.headHash, headHash);
  }

  @Override
  public int hashCode() {
    return serverUrl.hashCode() * 31 + Long.hashCode(seq);
  }
}
