package dev.memvault.protocol;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks that changes carry their device's signature, the same way on the server (a push) and on
 * clients (a pull): a change with a batch proof by the signature over its batch's root ({@link
 * ChangeBatches}), one without (pushed by an older client) by its own signature.
 *
 * <p>The changes of a batch arrive together, so the last signature that verified is remembered: the
 * next change of the same batch costs two SHA-256 over its bytes and path, not an Ed25519 check.
 * What is remembered is exactly what a check takes (the key, the signed bytes and the signature),
 * so a remembered answer is the answer the check would give. Not thread-safe: one per push or pull.
 */
public final class ChangeSignatureCheck {
  private final byte[] vaultId;
  private PublicKeyVerify lastKey;
  private byte[] lastInput;
  private ByteString lastSignature;

  public ChangeSignatureCheck(byte[] vaultId) {
    this.vaultId = vaultId.clone();
  }

  /**
   * @param key the verifier of {@code change}'s device (its public keyset from the device chain)
   * @throws GeneralSecurityException if the signature does not verify, the proof is malformed, or
   *     the change breaks the rules of its form ({@link CommittedPayloads#check})
   */
  public void verify(PublicKeyVerify key, Change change) throws GeneralSecurityException {
    // A committed change's signature covers its payload only through payload_hash.
    CommittedPayloads.check(change);
    if (!change.hasBatch()) {
      key.verify(change.getSignature().toByteArray(), SigningInputs.change(vaultId, change));
      return;
    }
    byte[] root = ChangeBatches.rootOf(vaultId, change);
    byte[] input =
        SigningInputs.changeBatch(
            vaultId, change.getDeviceId(), change.getBatch().getLeafCount(), root);
    if (key == lastKey
        && change.getSignature().equals(lastSignature)
        && Arrays.equals(input, lastInput)) {
      return;
    }
    verifyOnce(key, change.getSignature(), input);
  }

  /**
   * Checks every change of {@code changes}, accepting exactly what {@link #verify} on each would
   * accept: a whole batch in its order (what a device pushes) by building its tree once ({@link
   * ChangeBatches#wholeBatchRoot}) and one signature check, anything else change by change.
   *
   * @throws GeneralSecurityException if a signature does not verify or a proof is malformed
   */
  public void verifyAll(PublicKeyVerify key, List<Change> changes) throws GeneralSecurityException {
    Optional<byte[]> root = ChangeBatches.wholeBatchRoot(vaultId, changes);
    if (root.isEmpty()) {
      for (Change change : changes) {
        verify(key, change);
      }
      return;
    }
    for (Change change : changes) {
      CommittedPayloads.check(change);
    }
    Change first = changes.get(0);
    verifyOnce(
        key,
        first.getSignature(),
        SigningInputs.changeBatch(vaultId, first.getDeviceId(), changes.size(), root.get()));
  }

  private void verifyOnce(PublicKeyVerify key, ByteString signature, byte[] input)
      throws GeneralSecurityException {
    key.verify(signature.toByteArray(), input);
    lastKey = key;
    lastInput = input;
    lastSignature = signature;
  }
}
