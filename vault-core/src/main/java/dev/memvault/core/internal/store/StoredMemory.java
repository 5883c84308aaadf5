package dev.memvault.core.internal.store;

/**
 * One row of the memories table: the index columns and the current revision's envelope. The
 * envelope is the source of truth; the other columns exist to filter and order without decrypting.
 * {@code sourceKey} is null unless the memory came from a provider with its own id.
 */
public record StoredMemory(
    long seq,
    String id,
    byte[] scopeId,
    int kind,
    String conversationId,
    long createdAtMillis,
    long updatedAtMillis,
    long revision,
    boolean deleted,
    byte[] envelope,
    String sourceKey) {
  /** This row as stored under {@code seq}. */
  public StoredMemory withSeq(long seq) {
    return new StoredMemory(
        seq,
        id,
        scopeId,
        kind,
        conversationId,
        createdAtMillis,
        updatedAtMillis,
        revision,
        deleted,
        envelope,
        sourceKey);
  }
}
