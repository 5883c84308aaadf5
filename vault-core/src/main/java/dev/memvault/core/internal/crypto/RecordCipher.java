package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.Aead;
import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.RecordEnvelopeOrBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.zip.DataFormatException;

/**
 * Seals one serialized memory revision into a {@link RecordEnvelope} and opens it again.
 *
 * <p>Security: IND-CCA (AES-256-GCM through a Tink keyset) for the content; the envelope's address
 * fields are authenticated as associated data, and {@link #open} also checks them against the
 * address the reader expects, so an envelope copied to another record, revision or vault is
 * rejected even though it would authenticate under its own fields. Plaintexts are deflated when
 * that makes them fall into a smaller bucket ({@link RecordCompression}; one whose bytes look
 * random is not tried), then padded to {@link Padme} buckets.
 */
public final class RecordCipher {
  /** Format 1: the envelope's record id is the memory's UUID (docs/FORMAT.md, section 6.6). */
  public static final int UUID_RECORD_ID = 1;

  /**
   * Format 2: the envelope's record id is a keyed hash of the memory's UUID ({@link RecordIds}).
   */
  public static final int KEYED_RECORD_ID = 2;

  /** The format a new memory's envelopes get; a memory keeps the format of its first revision. */
  public static final int FORMAT_VERSION = KEYED_RECORD_ID;

  private static final int LENGTH_PREFIX = 4;

  /** Bit 31 of the length prefix: the body is raw DEFLATE of the serialized memory. */
  private static final int DEFLATED = 0x8000_0000;

  private static final byte[] AD_LABEL = "memvault.v1.record".getBytes(StandardCharsets.UTF_8);

  private RecordCipher() {}

  /** Seals {@code memory} in an envelope of the current {@link #FORMAT_VERSION}. */
  public static RecordEnvelope seal(Aead scopeAead, RecordAddress address, byte[] memory)
      throws GeneralSecurityException {
    return seal(scopeAead, FORMAT_VERSION, address, memory);
  }

  /**
   * Seals {@code memory} in an envelope of {@code formatVersion}, whose record id the caller has
   * put in {@code address} in that format's form.
   */
  public static RecordEnvelope seal(
      Aead scopeAead, int formatVersion, RecordAddress address, byte[] memory)
      throws GeneralSecurityException {
    if (!isKnownFormat(formatVersion)) {
      throw new IllegalArgumentException("no record format " + formatVersion);
    }
    // RecordAddress hands out fresh copies, so the envelope can own them.
    RecordEnvelope.Builder envelope =
        RecordEnvelope.newBuilder()
            .setFormatVersion(formatVersion)
            .setVaultId(UnsafeByteOperations.unsafeWrap(address.vaultId()))
            .setScopeId(UnsafeByteOperations.unsafeWrap(address.scopeId()))
            .setRecordId(UnsafeByteOperations.unsafeWrap(address.recordId()))
            .setRevision(address.revision())
            .setAuthorDeviceId(UnsafeByteOperations.unsafeWrap(address.authorDeviceId()));
    byte[] plaintext = paddedPlaintext(memory);
    try {
      byte[] ciphertext = scopeAead.encrypt(plaintext, associatedData(envelope));
      // The array is fresh from the AEAD and referenced nowhere else, so the envelope can own it.
      return envelope.setCiphertext(UnsafeByteOperations.unsafeWrap(ciphertext)).build();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * {@code u32be(P) || B || zeros} up to the bucket (docs/FORMAT.md, section 6.3), where B is the
   * memory deflated if that reaches a smaller bucket, else the memory as it is.
   */
  private static byte[] paddedPlaintext(byte[] memory) {
    int storedBucket = Padme.paddedLength(LENGTH_PREFIX + memory.length);
    if (storedBucket > Padme.MIN_BUCKET && !RecordCompression.looksIncompressible(memory)) {
      // Deflated straight behind the length word; only output that beats the stored bucket is
      // useful, so the deflater stops there.
      byte[] buffer = new byte[storedBucket];
      int length =
          RecordCompression.deflateInto(
              memory, buffer, LENGTH_PREFIX, storedBucket - LENGTH_PREFIX);
      if (length >= 0) {
        int bucket = Padme.paddedLength(LENGTH_PREFIX + length);
        if (bucket < storedBucket) {
          ByteBuffer.wrap(buffer).putInt(length | DEFLATED);
          byte[] plaintext = Arrays.copyOf(buffer, bucket);
          Arrays.fill(buffer, (byte) 0);
          return plaintext;
        }
        Arrays.fill(buffer, LENGTH_PREFIX, LENGTH_PREFIX + length, (byte) 0);
      }
    }
    byte[] plaintext = new byte[storedBucket];
    ByteBuffer.wrap(plaintext).putInt(memory.length);
    System.arraycopy(memory, 0, plaintext, LENGTH_PREFIX, memory.length);
    return plaintext;
  }

  /** True for the envelope formats this version reads: 1 and 2 differ only in the record id. */
  public static boolean isKnownFormat(int formatVersion) {
    return formatVersion == UUID_RECORD_ID || formatVersion == KEYED_RECORD_ID;
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
   * @param expectedRecordId the record id the reader asked for, in the form of the envelope's
   *     format
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
    if (!isKnownFormat(envelope.getFormatVersion())
        || !envelope.getVaultId().equals(UnsafeByteOperations.unsafeWrap(expectedVaultId))
        || !envelope.getRecordId().equals(UnsafeByteOperations.unsafeWrap(expectedRecordId))
        || envelope.getRevision() != expectedRevision) {
      throw new GeneralSecurityException("decryption failed");
    }
    byte[] plaintext;
    try {
      plaintext =
          scopeAead.decrypt(readOnlyBytes(envelope.getCiphertext()), associatedData(envelope));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new GeneralSecurityException("decryption failed");
    }
    try {
      if (plaintext.length < LENGTH_PREFIX) {
        throw new GeneralSecurityException("decryption failed");
      }
      int prefix = ByteBuffer.wrap(plaintext).getInt();
      int length = prefix & ~DEFLATED;
      if (length > plaintext.length - LENGTH_PREFIX) {
        throw new GeneralSecurityException("decryption failed");
      }
      if ((prefix & DEFLATED) == 0) {
        return Arrays.copyOfRange(plaintext, LENGTH_PREFIX, LENGTH_PREFIX + length);
      }
      try {
        return RecordCompression.inflate(plaintext, LENGTH_PREFIX, length);
      } catch (DataFormatException e) {
        // Authenticated, so written by a holder of the scope key: damage or a hostile writer.
        throw new GeneralSecurityException("decryption failed");
      }
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * The {@code memvault.v1.record} associated data (docs/FORMAT.md, section 6.2) of the envelope's
   * own fields 1 to 6: what {@link RecordAddress#associatedData} gives for the same address, built
   * from the fields exactly as they are written or were read.
   */
  private static byte[] associatedData(RecordEnvelopeOrBuilder envelope) {
    ByteString vaultId = envelope.getVaultId();
    ByteString scopeId = envelope.getScopeId();
    ByteString recordId = envelope.getRecordId();
    ByteString authorDeviceId = envelope.getAuthorDeviceId();
    int size =
        AD_LABEL.length
            + 6 * Integer.BYTES
            + Integer.BYTES
            + vaultId.size()
            + scopeId.size()
            + recordId.size()
            + Long.BYTES
            + authorDeviceId.size();
    ByteBuffer out = ByteBuffer.allocate(Integer.BYTES + size);
    out.putInt(AD_LABEL.length).put(AD_LABEL);
    out.putInt(Integer.BYTES).putInt(envelope.getFormatVersion());
    out.putInt(vaultId.size());
    vaultId.copyTo(out);
    out.putInt(scopeId.size());
    scopeId.copyTo(out);
    out.putInt(recordId.size());
    recordId.copyTo(out);
    out.putInt(Long.BYTES).putLong(envelope.getRevision());
    out.putInt(authorDeviceId.size());
    authorDeviceId.copyTo(out);
    return out.array();
  }

  /**
   * The bytes of {@code value}, without a copy when it wraps one whole array: for reading only, as
   * the array may be the ByteString's own.
   */
  private static byte[] readOnlyBytes(ByteString value) {
    WholeArray whole = new WholeArray();
    try {
      UnsafeByteOperations.unsafeWriteTo(value, whole);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return whole.array != null ? whole.array : value.toByteArray();
  }

  /** Keeps the array a ByteString hands over if it is one whole array, in one piece. */
  private static final class WholeArray extends ByteOutput {
    byte[] array;
    private boolean pieces;

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      if (!pieces && array == null && offset == 0 && length == value.length) {
        array = value;
      } else {
        fragmented();
      }
    }

    @Override
    public void write(byte value) {
      fragmented();
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      fragmented();
    }

    @Override
    public void write(ByteBuffer value) {
      fragmented();
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      fragmented();
    }

    private void fragmented() {
      pieces = true;
      array = null;
    }
  }
}
