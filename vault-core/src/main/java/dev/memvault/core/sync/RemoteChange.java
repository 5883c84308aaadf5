package dev.memvault.core.sync;

/**
 * A change pulled from the sync server whose chain position and signature the caller has already
 * verified: its log position and entry hash, the author device (from the signed change), the record
 * id and the payload.
 */
public record RemoteChange(
    long seq, byte[] entryHash, byte[] changeId, byte[] deviceId, byte[] recordId, byte[] payload) {
  public RemoteChange {
    entryHash = entryHash.clone();
    changeId = changeId.clone();
    deviceId = deviceId.clone();
    recordId = recordId.clone();
    payload = payload.clone();
  }

  @Override
  public byte[] entryHash() {
    return entryHash.clone();
  }

  @Override
  public byte[] changeId() {
    return changeId.clone();
  }

  @Override
  public byte[] deviceId() {
    return deviceId.clone();
  }

  @Override
  public byte[] recordId() {
    return recordId.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * Whether the server dropped this change's payload because a later change superseded it; the
   * caller has checked that a change by a member released it. Such a change is not applied.
   */
  public boolean payloadDropped() {
    return payload.length == 0;
  }

  @Override
  public String toString() {
    return "RemoteChange[" + payload.length + " bytes]";
  }
}
