package dev.memvault.protocol;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.BatchProof;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The hash chain of a vault's sync log (sync-server/LOG_FORMAT.md): each entry's hash covers the
 * vault id, its seq, the previous entry's hash and the change, so a client that checks every new
 * entry against the head it verified last notices a server that rewrites, reorders, forks or rolls
 * back history.
 *
 * <p>The server computes the hashes when it appends; clients recompute them with {@link
 * #verifyExtends}. Both must use this one definition.
 */
public final class LogChain {
  /** The label that starts every entry's canonical encoding. */
  public static final String ENTRY_LABEL = "memvault.sync.v1.log-entry";

  /** Length in bytes of every hash in the chain (SHA-256). */
  public static final int HASH_LENGTH = 32;

  private LogChain() {}

  /** The prev_hash of seq 1, and the hash of the head of an empty log: 32 zero bytes. */
  public static byte[] genesisHash() {
    return new byte[HASH_LENGTH];
  }

  /** The head of an empty log: seq 0 and {@link #genesisHash()}. */
  public static Head emptyHead() {
    return Head.newBuilder().setSeq(0).setEntryHash(ByteString.copyFrom(genesisHash())).build();
  }

  /**
   * SHA-256 over the canonical encoding of (label, vault_id, seq, prev_hash, change_id, device_id,
   * record_id, payload, signature), or for a committed change ({@link CommittedPayloads}) of (its
   * own label, ..., record_id, payload_hash, supersedes_through, signature), every part written as
   * a 4-byte big-endian length and its bytes, seq as 8 big-endian bytes; for a change with a batch
   * proof, followed by (leaf_index and leaf_count as two 4-byte big-endian numbers in one part,
   * then each path hash as a part).
   */
  public static byte[] entryHash(byte[] vaultId, long seq, byte[] prevHash, Change change) {
    boolean committed = CommittedPayloads.isCommitted(change);
    MessageDigest digest = sha256();
    String label = committed ? CommittedPayloads.ENTRY_LABEL : ENTRY_LABEL;
    field(digest, ByteBuffer.wrap(label.getBytes(StandardCharsets.UTF_8)));
    field(digest, ByteBuffer.wrap(vaultId));
    field(digest, ByteBuffer.allocate(Long.BYTES).putLong(0, seq));
    field(digest, ByteBuffer.wrap(prevHash));
    field(digest, change.getChangeId().asReadOnlyByteBuffer());
    field(digest, change.getDeviceId().asReadOnlyByteBuffer());
    field(digest, change.getRecordId().asReadOnlyByteBuffer());
    if (committed) {
      // The payload's hash stands for it, so the entry keeps its hash when the payload is dropped.
      field(digest, change.getPayloadHash().asReadOnlyByteBuffer());
      field(digest, ByteBuffer.allocate(Long.BYTES).putLong(0, change.getSupersedesThrough()));
    } else {
      field(digest, change.getPayload().asReadOnlyByteBuffer());
    }
    field(digest, change.getSignature().asReadOnlyByteBuffer());
    if (change.hasBatch()) {
      // Only changes with a batch proof have these fields, so the entries of older changes keep
      // their hashes; the field count differs, so the two forms never encode to the same bytes.
      BatchProof proof = change.getBatch();
      field(
          digest,
          ByteBuffer.allocate(2 * Integer.BYTES)
              .putInt(0, proof.getLeafIndex())
              .putInt(Integer.BYTES, proof.getLeafCount()));
      for (ByteString sibling : proof.getPathList()) {
        field(digest, sibling.asReadOnlyByteBuffer());
      }
    }
    return digest.digest();
  }

  /**
   * Checks that {@code entries} continue the log from {@code trusted}, a head the caller has
   * verified before (the empty head for a new device): their seqs follow it without a gap, each
   * prev_hash is the hash of the entry before, and each entry_hash is the hash of the entry's own
   * contents in {@code vaultId}'s log. An empty list extends every head.
   *
   * @throws BrokenChainException naming the first entry that does not fit; the server that sent the
   *     entries is at fault (or the log was tampered with), not the caller
   */
  public static void verifyExtends(Head trusted, List<LogEntry> entries, byte[] vaultId)
      throws BrokenChainException {
    byte[] expectedPrev = trusted.getEntryHash().toByteArray();
    if (expectedPrev.length != HASH_LENGTH
        || (trusted.getSeq() == 0 && !MessageDigest.isEqual(expectedPrev, genesisHash()))) {
      throw new IllegalArgumentException("the trusted head is not a head of any log: " + trusted);
    }
    long expectedSeq = trusted.getSeq() + 1;
    for (LogEntry entry : entries) {
      if (entry.getSeq() != expectedSeq) {
        throw new BrokenChainException(
            "expected the entry with seq "
                + Long.toUnsignedString(expectedSeq)
                + " but got seq "
                + Long.toUnsignedString(entry.getSeq())
                + ": the log has a gap, a repeat or a reordering");
      }
      if (!MessageDigest.isEqual(entry.getPrevHash().toByteArray(), expectedPrev)) {
        throw new BrokenChainException(
            "entry "
                + Long.toUnsignedString(expectedSeq)
                + " does not follow the entry before it (prev_hash differs): the history was"
                + " rewritten or forked");
      }
      try {
        CommittedPayloads.check(entry.getChange());
      } catch (GeneralSecurityException e) {
        throw new BrokenChainException(
            "entry " + Long.toUnsignedString(expectedSeq) + " was altered: " + e.getMessage());
      }
      byte[] actual = entryHash(vaultId, entry.getSeq(), expectedPrev, entry.getChange());
      if (!MessageDigest.isEqual(entry.getEntryHash().toByteArray(), actual)) {
        throw new BrokenChainException(
            "entry "
                + Long.toUnsignedString(expectedSeq)
                + " has an entry_hash that does not match its contents: the entry was altered"
                + " or belongs to another vault");
      }
      expectedPrev = actual;
      expectedSeq++;
    }
  }

  /** Writes one part of the canonical encoding into {@code digest}: its length, then its bytes. */
  static void field(MessageDigest digest, ByteBuffer bytes) {
    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, bytes.remaining()));
    digest.update(bytes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }

  /** Entries do not extend the trusted head: the log was altered, rolled back or forked. */
  public static final class BrokenChainException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public BrokenChainException(String message) {
      super(message);
    }
  }
}
