package dev.memvault.core.sync;

/**
 * A log entry whose payload the server dropped, as a pull found it: its seq, the 16-byte record it
 * is about, and the seq of the later entry the server says released it. Until that entry is seen
 * releasing this one (a change by a member about the same record whose {@code supersedes_through}
 * reaches {@code seq}), the drop is unexplained; once the pull is past {@code droppedBy}, it is
 * proof that the server withheld a change.
 */
public record DroppedPayload(long seq, byte[] recordId, long droppedBy) {
  public DroppedPayload {
    recordId = recordId.clone();
    if (Long.compareUnsigned(droppedBy, seq) <= 0) {
      throw new IllegalArgumentException("a payload is released by a later entry");
    }
  }

  @Override
  public byte[] recordId() {
    return recordId.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DroppedPayload d
        && d.seq == seq
        && d.droppedBy == droppedBy
        && java.util.Arrays.equals(d.recordId, recordId);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq);
  }
}
