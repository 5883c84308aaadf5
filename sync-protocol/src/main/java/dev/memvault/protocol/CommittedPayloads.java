package dev.memvault.protocol;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The committed-payload form of a change (sync-server/LOG_FORMAT.md): the device's signature and
 * the log's entry hash cover {@code SHA-256(payload)} instead of the payload, so the server can
 * drop the payload of a change a later one superseded, keep the hash, and every chain still
 * verifies.
 *
 * <p>A change of this form carries its {@code payload_hash} and a batch proof; its payload is
 * either present and hashes to {@code payload_hash}, or empty because the server dropped it. A
 * change of the older form has no {@code payload_hash} and releases nothing: its {@code
 * supersedes_through} is outside its signature, so it must be 0.
 */
public final class CommittedPayloads {
  /** Label of a committed change's Merkle leaf (replaces {@link SigningInputs#CHANGE_LABEL}). */
  public static final String CHANGE_LABEL = "memvault.sync.v2.change";

  /** Label of a committed change's entry hash (replaces {@link LogChain#ENTRY_LABEL}). */
  public static final String ENTRY_LABEL = "memvault.sync.v2.log-entry";

  private CommittedPayloads() {}

  /** {@code SHA-256(payload)}. */
  public static ByteString hashOf(ByteString payload) {
    MessageDigest digest = LogChain.sha256();
    digest.update(payload.asReadOnlyByteBuffer());
    return ByteString.copyFrom(digest.digest());
  }

  /**
   * {@code unsigned} in the committed form: its payload's hash set, and what it supersedes (0 for
   * nothing). Sign it after this: the signature covers both.
   */
  public static Change commit(Change unsigned, long supersedesThrough) {
    return unsigned.toBuilder()
        .setPayloadHash(hashOf(unsigned.getPayload()))
        .setSupersedesThrough(supersedesThrough)
        .build();
  }

  /** Whether {@code change} is of the committed form. */
  public static boolean isCommitted(Change change) {
    return !change.getPayloadHash().isEmpty();
  }

  /** Whether the server dropped {@code change}'s payload (only a committed change's can go). */
  public static boolean isDropped(Change change) {
    return isCommitted(change) && change.getPayload().isEmpty();
  }

  /** {@code change} as the server keeps it once a later change released it: without its payload. */
  public static Change withoutPayload(Change change) {
    return change.toBuilder().clearPayload().build();
  }

  /**
   * Checks the form's rules: a committed change has a 32-byte payload hash, a batch proof, and a
   * payload that is empty or hashes to it; an older one supersedes nothing.
   *
   * @throws GeneralSecurityException naming the rule broken
   */
  public static void check(Change change) throws GeneralSecurityException {
    if (!isCommitted(change)) {
      if (change.getSupersedesThrough() != 0) {
        throw new GeneralSecurityException(
            "supersedes_through is set on a change without payload_hash, which does not sign it");
      }
      return;
    }
    if (change.getPayloadHash().size() != LogChain.HASH_LENGTH) {
      throw new GeneralSecurityException("payload_hash is not 32 bytes");
    }
    if (!change.hasBatch()) {
      throw new GeneralSecurityException("a change with payload_hash must carry a batch proof");
    }
    if (!change.getPayload().isEmpty()
        && !MessageDigest.isEqual(
            hashOf(change.getPayload()).toByteArray(), change.getPayloadHash().toByteArray())) {
      throw new GeneralSecurityException("the payload does not match its payload_hash");
    }
  }
}
