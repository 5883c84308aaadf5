package dev.memvault.core.internal.sync;

/**
 * An outbox row as stored (Migrations step 4): a revision by reference ({@code memoryId}, {@code
 * revision}, {@code envelopeHash}), a scope by reference ({@code memoryId} null, the scope id as
 * {@code recordId}), or, for rows written before references, the payload itself; {@code
 * writtenAfter} is the log position this device had applied when it wrote a revision (0: unknown).
 */
public record OutboxRow(
    long seq,
    byte[] changeId,
    byte[] recordId,
    byte[] payload,
    String memoryId,
    long revision,
    byte[] envelopeHash,
    long writtenAfter) {

  public boolean holdsPayload() {
    return payload.length > 0;
  }

  public boolean isRevision() {
    return memoryId != null;
  }

  @Override
  public String toString() {
    return "OutboxRow[seq=" + seq + "]";
  }
}
