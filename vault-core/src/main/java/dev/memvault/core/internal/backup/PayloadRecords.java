package dev.memvault.core.internal.backup;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.v1.BackupRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * The plaintext of a backup payload: records one after another, each {@code u32be(length) ||
 * serialized BackupRecord}.
 */
final class PayloadRecords {
  /** A sanity bound: the largest row (a 4 Mi-character memory and its envelope) is far smaller. */
  static final int MAX_RECORD_BYTES = 64 << 20;

  private PayloadRecords() {}

  static void write(OutputStream out, BackupRecord record) throws IOException {
    byte[] bytes = record.toByteArray();
    out.write(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.write(bytes);
  }

  /**
   * Reads records from the decrypting stream. Any failure of that stream is a failure to
   * authenticate (a tampered, truncated or extended payload) and becomes one generic {@link
   * GeneralSecurityException}, unless the file itself could not be read, which stays an {@link
   * IOException}.
   */
  static final class Reader {
    private final InputStream plaintext;
    private final FileFailures file;

    Reader(InputStream plaintext, FileFailures file) {
      this.plaintext = plaintext;
      this.file = file;
    }

    /** The next record, or null where the authenticated payload ends. */
    BackupRecord next() throws IOException, GeneralSecurityException {
      byte[] length = readUpTo(4);
      if (length.length == 0) {
        return null;
      }
      if (length.length < 4) {
        throw malformed();
      }
      int size = ByteBuffer.wrap(length).getInt();
      if (size < 0 || size > MAX_RECORD_BYTES) {
        throw malformed();
      }
      byte[] bytes = readUpTo(size);
      if (bytes.length != size) {
        throw malformed();
      }
      try {
        return BackupRecord.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw malformed();
      }
    }

    private byte[] readUpTo(int count) throws IOException, GeneralSecurityException {
      try {
        return plaintext.readNBytes(count);
      } catch (IOException e) {
        file.rethrowIfAny();
        throw new GeneralSecurityException("decryption failed");
      }
    }

    /** Only a writer's bug can get here: whatever the payload holds was authenticated. */
    private static GeneralSecurityException malformed() {
      return new GeneralSecurityException("decryption failed");
    }
  }

  /** Remembers a failure to read the file, to tell it apart from a failure to authenticate. */
  static final class FileFailures extends java.io.FilterInputStream {
    private IOException failure;

    FileFailures(InputStream file) {
      super(file);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return super.read(buffer, offset, length);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    void rethrowIfAny() throws IOException {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
