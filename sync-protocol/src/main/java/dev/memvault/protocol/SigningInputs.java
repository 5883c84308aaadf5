package dev.memvault.protocol;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The bytes a device signs with its Ed25519 key, in the canonical encoding (proto/README.md,
 * "Signing inputs"). Clients must build exactly these bytes; each begins with its own label, so a
 * signature made for one purpose never verifies for another.
 */
public final class SigningInputs {
  /** Label of the signature over a challenge. */
  public static final String AUTH_LABEL = "memvault.sync.v1.auth";

  /** Label of the signature over a change. */
  public static final String CHANGE_LABEL = "memvault.sync.v1.change";

  /** Label of the signature over a batch of changes (its Merkle root). */
  public static final String CHANGE_BATCH_LABEL = "memvault.sync.v1.change-batch";

  /** What a challenge signature is for: signing in (GetChallengeResponse.purpose). */
  public static final String AUTHENTICATE_PURPOSE = "memvault.sync.v1/authenticate";

  private SigningInputs() {}

  /**
   * {@code ("memvault.sync.v1.auth", utf8(server_id), utf8(purpose), vault_id, device_id, nonce)}.
   */
  public static byte[] authentication(
      String serverId, String purpose, byte[] vaultId, byte[] deviceId, byte[] nonce) {
    return CanonicalEncoding.encode(
        AUTH_LABEL,
        CanonicalEncoding.utf8(serverId),
        CanonicalEncoding.utf8(purpose),
        vaultId,
        deviceId,
        nonce);
  }

  /**
   * {@code ("memvault.sync.v1.change-batch", vault_id, device_id, u32(leaf_count), root)}: what a
   * device signs for a batch of changes ({@link ChangeBatches}).
   */
  public static byte[] changeBatch(
      byte[] vaultId, ByteString deviceId, int leafCount, byte[] root) {
    return CanonicalEncoding.encode(
        CHANGE_BATCH_LABEL,
        vaultId,
        deviceId.toByteArray(),
        ByteBuffer.allocate(Integer.BYTES).putInt(leafCount).array(),
        root);
  }

  /** {@code ("memvault.sync.v1.change", vault_id, change_id, device_id, record_id, payload)}. */
  public static byte[] change(byte[] vaultId, Change change) {
    return CanonicalEncoding.encode(
        CHANGE_LABEL,
        List.of(
            ByteString.copyFrom(vaultId),
            change.getChangeId(),
            change.getDeviceId(),
            change.getRecordId(),
            change.getPayload()));
  }
}
