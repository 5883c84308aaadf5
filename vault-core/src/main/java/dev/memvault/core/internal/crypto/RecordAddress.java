package dev.memvault.core.internal.crypto;

/**
 * Everything that gives a record ciphertext its meaning, all bound into its associated data: which
 * vault, scope, record and revision it is, and which device wrote it.
 */
public record RecordAddress(
    byte[] vaultId, byte[] scopeId, byte[] recordId, long revision, byte[] authorDeviceId) {

  public RecordAddress {
    vaultId = vaultId.clone();
    scopeId = scopeId.clone();
    recordId = recordId.clone();
    authorDeviceId = authorDeviceId.clone();
  }

  @Override
  public byte[] vaultId() {
    return vaultId.clone();
  }

  @Override
  public byte[] scopeId() {
    return scopeId.clone();
  }

  @Override
  public byte[] recordId() {
    return recordId.clone();
  }

  @Override
  public byte[] authorDeviceId() {
    return authorDeviceId.clone();
  }

  /** The canonical associated-data encoding for this address under a format version. */
  public byte[] associatedData(int formatVersion) {
    return AssociatedData.labeled("memvault.v1.record")
        .uint32(formatVersion)
        .bytes(vaultId)
        .bytes(scopeId)
        .bytes(recordId)
        .uint64(revision)
        .bytes(authorDeviceId)
        .encode();
  }
}
