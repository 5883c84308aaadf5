package dev.memvault.core.internal.backup;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.v1.BackupHeader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The clear part of a backup file (docs/FORMAT.md, section 13): the magic, then the serialized
 * {@link BackupHeader} behind its length. Nothing here is secret; all of it is bound into the
 * payload's associated data, so it is checked when the payload is decrypted, not here.
 */
/** The backup file format's constants and framing (docs/FORMAT.md). */
public final class BackupFile {
  static final byte[] MAGIC = "MVBACK01".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  static final int MAX_HEADER_BYTES = 64 * 1024;
  static final int SALT_BYTES = 32;
  public static final int DEFAULT_SEGMENT_SIZE = 1 << 20;
  static final int MIN_SEGMENT_SIZE = 4 * 1024;
  static final int MAX_SEGMENT_SIZE = 8 << 20;

  private BackupFile() {}

  /** A file that does not start like a backup this version can read. */
  static final class NotABackupException extends IOException {
    private static final long serialVersionUID = 1L;

    NotABackupException(String message) {
      super(message);
    }
  }

  /** The header as parsed, and the exact bytes it was read from: what the payload is bound to. */
  record Clear(BackupHeader header, byte[] headerBytes) {}

  public static void checkSegmentSize(int segmentSize) {
    if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
      throw new IllegalArgumentException(
          "segment size must be " + MIN_SEGMENT_SIZE + " to " + MAX_SEGMENT_SIZE + " bytes");
    }
  }

  static void writeClear(OutputStream out, byte[] headerBytes) throws IOException {
    out.write(MAGIC);
    out.write(ByteBuffer.allocate(4).putInt(headerBytes.length).array());
    out.write(headerBytes);
  }

  /**
   * Reads the magic and the header, leaving {@code in} at the first byte of the payload.
   *
   * @throws NotABackupException if the file is not a backup, or one of a format version this code
   *     does not know
   */
  static Clear readClear(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] magic = new byte[MAGIC.length];
    int length;
    try {
      data.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new NotABackupException("it does not start with the backup magic");
      }
      length = data.readInt();
    } catch (EOFException e) {
      throw new NotABackupException("it is too short");
    }
    if (length <= 0 || length > MAX_HEADER_BYTES) {
      throw new NotABackupException("its header length is out of range");
    }
    byte[] headerBytes = data.readNBytes(length);
    if (headerBytes.length != length) {
      throw new NotABackupException("it ends inside its header");
    }
    BackupHeader header;
    try {
      header = BackupHeader.parseFrom(headerBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new NotABackupException("its header does not parse");
    }
    if (header.getFormatVersion() != FORMAT_VERSION) {
      throw new NotABackupException(
          "backup format version "
              + header.getFormatVersion()
              + " is not one this memvault"
              + " reads; upgrade memvault");
    }
    if (!header.hasVault()
        || header.getPayloadSalt().size() != SALT_BYTES
        || header.getSegmentSize() < MIN_SEGMENT_SIZE
        || header.getSegmentSize() > MAX_SEGMENT_SIZE) {
      throw new NotABackupException("its header is incomplete or out of range");
    }
    return new Clear(header, headerBytes);
  }
}
