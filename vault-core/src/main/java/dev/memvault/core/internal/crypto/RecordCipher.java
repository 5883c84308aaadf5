package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.Aead;
import com.google.protobuf.ByteString;
import dev.memvault.proto.v1.RecordEnvelope;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Seals one serialized memory revision into a {@link RecordEnvelope} and opens it again.
 *
 * <p>Security: IND-CCA (AES-256-GCM through a Tink keyset) for the content; the envelope's
 * address fields are authenticated as associated data, and {@link #open} also checks them against
 * the address the reader expects, so an envelope copied to another record, revision or vault is
 * rejected even though it would authenticate under its own fields. Plaintexts are deflated when
 * that makes them fall into a smaller bucket ({@link RecordCompression}), then padded to {@link
 * Padme} buckets.
 */
public final class RecordCipher {
  public static final int FORMAT_VERSION = 1;
  private static final int LENGTH_PREFIX = 4;
  /** Bit 31 of the length prefix: the body is raw DEFLATE of the serialized memory. */
  private static final int DEFLATED = 0x8000_0000;

  private RecordCipher() {}

  public static RecordEnvelope seal(Aead scopeAead, RecordAddress address, byte[] memory)
      throws GeneralSecurityException {
    byte[] body = memory;
    int prefix = memory.length;
    var deflated = RecordCompression.deflateIfSmaller(memory, LENGTH_PREFIX);
    if (deflated.isPresent()) {
      body = deflated.get();
      prefix = body.length | DEFLATED;
    }
    int padded = Padme.paddedLength(LENGTH_PREFIX + body.length);
    ByteBuffer plain = ByteBuffer.allocate(padded);
    plain.putInt(prefix).put(body);
    if (body != memory) {
      Arrays.fill(body, (byte) 0);
    }
    byte[] plaintext = plain.array();
    try {
      byte[] ciphertext = scopeAead.encrypt(plaintext, address.associatedData(FORMAT_VERSION));
      return RecordEnvelope.newBuilder()
          .setFormatVersion(FORMAT_VERSION)
          .setVaultId(ByteString.copyFrom(address.vaultId()))
          .setScopeId(ByteString.copyFrom(address.scopeId()))
          .setRecordId(ByteString.copyFrom(address.recordId()))
          .setRevision(address.revision())
          .setAuthorDeviceId(ByteString.copyFrom(address.authorDeviceId()))
          .setCiphertext(ByteString.copyFrom(ciphertext))
          .build();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** The address an envelope claims for itself. */
  public static RecordAddress addressOf(RecordEnvelope envelope) {
    return new RecordAddress(
        envelope.getVaultId().toByteArray(),
        envelope.getScopeId().toByteArray(),
        envelope.getRecordId().toByteArray(),
        envelope.getRevision(),
        envelope.getAuthorDeviceId().toByteArray());
  }

  /**
   * Returns the serialized memory inside an envelope.
   *
   * @param expectedVaultId the vault the reader belongs to
   * @param expectedRecordId the record the reader asked for
   * @param expectedRevision the revision the reader asked for
   * @throws GeneralSecurityException "decryption failed" for any mismatch or tampering, without
   *     saying which
   */
  public static byte[] open(
      Aead scopeAead,
      RecordEnvelope envelope,
      byte[] expectedVaultId,
      byte[] expectedRecordId,
      long expectedRevision)
      throws GeneralSecurityException {
    if (envelope.getFormatVersion() != FORMAT_VERSION
        || !Arrays.equals(envelope.getVaultId().toByteArray(), expectedVaultId)
        || !Arrays.equals(envelope.getRecordId().toByteArray(), expectedRecordId)
        || envelope.getRevision() != expectedRevision) {
      throw new GeneralSecurityException("decryption failed");
    }
    byte[] plaintext;
    try {
      plaintext =
          scopeAead.decrypt(
              envelope.getCiphertext().toByteArray(),
              addressOf(envelope).associatedData(FORMAT_VERSION));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new GeneralSecurityException("decryption failed");
    }
    try {
      ByteBuffer plain = ByteBuffer.wrap(plaintext);
      if (plain.remaining() < LENGTH_PREFIX) {
        throw new GeneralSecurityException("decryption failed");
      }
      int prefix = plain.getInt();
      int length = prefix & ~DEFLATED;
      if (length > plain.remaining()) {
        throw new GeneralSecurityException("decryption failed");
      }
      byte[] body = new byte[length];
      plain.get(body);
      if ((prefix & DEFLATED) == 0) {
        return body;
      }
      try {
        return RecordCompression.inflate(body);
      } catch (java.util.zip.DataFormatException e) {
        // Authenticated, so written by a holder of the scope key: damage or a hostile writer.
        throw new GeneralSecurityException("decryption failed");
      } finally {
        Arrays.fill(body, (byte) 0);
      }
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }
}
