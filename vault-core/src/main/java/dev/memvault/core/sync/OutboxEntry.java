package dev.memvault.core.sync;

/**
 * A local write waiting to be pushed: its outbox position, the 16-byte change id it keeps across
 * retries (the server stores a change id once), the 16-byte record id, the serialized {@code
 * SyncPayload}, and the last log position whose entries about the same record it supersedes (0:
 * none; the position this device had applied when it wrote a memory revision, since its clock was
 * then past every revision applied). Holds only ciphertext and ids.
 */
public record OutboxEntry(
    long seq, byte[] changeId, byte[] recordId, byte[] payload, long supersedesThrough) {
  public OutboxEntry {
    changeId = changeId.clone();
    recordId = recordId.clone();
    payload = payload.clone();
  }

  @Override
  public byte[] changeId() {
    return changeId.clone();
  }

  @Override
  public byte[] recordId() {
    return recordId.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public String toString() {
    return "OutboxEntry[seq=" + seq + ", " + payload.length + " bytes]";
  }
}
