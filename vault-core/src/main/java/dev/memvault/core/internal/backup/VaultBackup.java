package dev.memvault.core.internal.backup;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.backup.BackupOptions;
import dev.memvault.core.backup.BackupProgress;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.store.Migrations;
import dev.memvault.core.internal.store.SqlCipherDatabase;
import dev.memvault.proto.v1.BackupEnd;
import dev.memvault.proto.v1.BackupHeader;
import dev.memvault.proto.v1.BackupRecord;
import dev.memvault.proto.v1.VaultHeader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * One encrypted, self-contained backup file of a vault (docs/FORMAT.md, section 13).
 *
 * <p>Layout: {@code "MVBACK01" || u32be(len(H)) || H || payload}, where H is the serialized {@link
 * BackupHeader} (the vault header with its wrapped keys, a random salt and the segment size) and
 * the payload is every row of the vault database, encrypted with Tink's AES-256-GCM-HKDF streaming
 * AEAD under a key derived from the root key and that salt, with H as associated data.
 *
 * <p>Guarantee: a restore either rebuilds the database exactly as it was backed up, or fails with
 * {@link GeneralSecurityException} and leaves nothing behind. Any change to the file (header or
 * payload), any truncation, reordering or appended bytes, or a header taken from another backup,
 * makes a segment fail to authenticate; rows are built into a temporary database that becomes the
 * vault's only after the last segment has authenticated.
 */
public final class VaultBackup {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int IO_BUFFER = 64 * 1024;
  private static final int PROGRESS_EVERY = 256;
  private static final String META_VAULT_ID = "vault_id";
  private static final String[] DATABASE_COMPANIONS = {"", "-journal", "-wal", "-shm"};

  private VaultBackup() {}

  /** As {@link #write(Connection, VaultHeader, RootKey, Path, BackupOptions)} with defaults. */
  public static void write(Connection database, VaultHeader header, RootKey root, Path file)
      throws IOException, SQLException {
    write(database, header, root, file, BackupOptions.defaults());
  }

  /**
   * Writes a backup of the open vault database to {@code file}: first to a temporary file next to
   * it, synced, then renamed, so {@code file} is either a complete backup or as it was.
   *
   * @param header the vault's current header; the backup unlocks with the keys it wraps
   * @throws VaultException.AlreadyExists if {@code file} exists and the options do not allow
   *     replacing it; nothing was written
   */
  public static void write(
      Connection database, VaultHeader header, RootKey root, Path file, BackupOptions options)
      throws IOException, SQLException {
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    if (!options.replaceExisting() && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw exists(file);
    }
    if (Files.isDirectory(target)) {
      throw new IOException("it is a directory");
    }
    if (directory == null || !Files.isDirectory(directory)) {
      throw new IOException("the directory " + directory + " does not exist");
    }
    byte[] salt = new byte[BackupFile.SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] headerBytes =
        BackupHeader.newBuilder()
            .setFormatVersion(BackupFile.FORMAT_VERSION)
            .setVault(header)
            .setPayloadSalt(ByteString.copyFrom(salt))
            .setSegmentSize(options.segmentSize())
            .build()
            .toByteArray();
    StreamingAead aead;
    try {
      aead = PayloadCipher.streamingAead(root, salt, options.segmentSize());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM-HKDF streaming unavailable", e);
    }

    Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
    boolean complete = false;
    try {
      try (OutputStream out =
          new BufferedOutputStream(
              Files.newOutputStream(temp, StandardOpenOption.WRITE), IO_BUFFER)) {
        BackupFile.writeClear(out, headerBytes);
        // Tink closes the stream it writes to; the file is closed by the outer try instead.
        try (OutputStream payload =
            aead.newEncryptingStream(
                new KeepOpen(out), PayloadCipher.associatedData(headerBytes))) {
          copySnapshot(database, payload, options.progress());
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("AES-GCM-HKDF streaming unavailable", e);
        }
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      if (options.replaceExisting()) {
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.move(temp, target);
      }
      complete = true;
      syncDirectory(directory);
    } catch (FileAlreadyExistsException e) {
      throw exists(file);
    } finally {
      if (!complete) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * The vault header stored in a backup, read without any key, so that a passphrase or recovery key
   * can unwrap the root key from it. Nothing in it is authenticated yet: {@link #restore} checks
   * it, as the associated data of the payload.
   *
   * @throws IOException if the file is not a backup (or one of a newer format) or cannot be read
   */
  public static VaultHeader readHeader(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), IO_BUFFER)) {
      return BackupFile.readClear(in).header().getVault();
    }
  }

  /**
   * Verifies a backup and rebuilds its database at {@code databaseFile}, which must not exist,
   * under {@code databaseKey}. The rows go into a temporary database beside it, inside one
   * transaction, committed and renamed into place only after the whole payload, its last segment
   * included, has authenticated; on any failure the temporary files are deleted.
   *
   * @throws GeneralSecurityException if the backup was altered, truncated or extended, if its
   *     header comes from another backup, or if {@code root} is not the key it was made under
   * @throws IOException if the backup cannot be read or the database not written
   */
  public static void restore(Path file, RootKey root, Path databaseFile, SecretBytes databaseKey)
      throws IOException, SQLException, GeneralSecurityException {
    Path target = databaseFile.toAbsolutePath();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString(), null, "a database is already there");
    }
    Path temp = null;
    boolean complete = false;
    try {
      try (PayloadRecords.FileFailures source =
              new PayloadRecords.FileFailures(Files.newInputStream(file));
          InputStream in = new BufferedInputStream(source, IO_BUFFER)) {
        BackupFile.Clear clear;
        try {
          clear = BackupFile.readClear(in);
        } catch (BackupFile.NotABackupException e) {
          throw new GeneralSecurityException("decryption failed");
        }
        StreamingAead aead =
            PayloadCipher.streamingAead(
                root,
                clear.header().getPayloadSalt().toByteArray(),
                clear.header().getSegmentSize());
        InputStream plaintext =
            new BufferedInputStream(
                aead.newDecryptingStream(in, PayloadCipher.associatedData(clear.headerBytes())),
                IO_BUFFER);
        PayloadRecords.Reader records = new PayloadRecords.Reader(plaintext, source);
        // The first segment authenticates before any file is made: a wrong key, an altered
        // header or a header from another backup creates nothing at all.
        BackupRecord first = records.next();
        temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".restoring");
        build(temp, databaseKey, first, records, clear.header());
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      complete = true;
      syncDirectory(target.getParent());
    } finally {
      if (!complete && temp != null) {
        for (String suffix : DATABASE_COMPANIONS) {
          Files.deleteIfExists(Path.of(temp + suffix));
        }
      }
    }
  }

  /** Reads every row in one read transaction, so the backup is one consistent snapshot. */
  private static void copySnapshot(
      Connection database, OutputStream payload, BackupProgress progress)
      throws SQLException, IOException {
    boolean autoCommit = database.getAutoCommit();
    database.setAutoCommit(false);
    try {
      long total = BackupRows.countRows(database);
      long[] copied = {0};
      progress.rowsCopied(0, total);
      BackupRows.copyAll(
          database,
          record -> {
            PayloadRecords.write(payload, record);
            if (record.getItemCase() != BackupRecord.ItemCase.END
                && ++copied[0] % PROGRESS_EVERY == 0) {
              progress.rowsCopied(copied[0], total);
            }
          });
      progress.rowsCopied(copied[0], Math.max(total, copied[0]));
    } finally {
      // Only reads happened: ending the transaction either way changes nothing.
      database.rollback();
      database.setAutoCommit(autoCommit);
    }
  }

  /** Builds the database from the records; returns only if every one authenticated. */
  private static void build(
      Path temp,
      SecretBytes databaseKey,
      BackupRecord first,
      PayloadRecords.Reader records,
      BackupHeader header)
      throws IOException, SQLException, GeneralSecurityException {
    try (Connection db = SqlCipherDatabase.open(temp, databaseKey)) {
      // One file to rename: no write-ahead log beside it. The vault turns WAL on when it opens.
      try (Statement statement = db.createStatement()) {
        statement.execute("PRAGMA journal_mode = DELETE");
      }
      Migrations.migrate(db);
      MetaRows meta = new MetaRows(db);
      // The marker is set below, after the backup's own meta rows are in.
      meta.delete(MetaRows.SEARCH_INDEX_STALE);
      db.setAutoCommit(false);
      try (BackupRows.Inserter inserter = new BackupRows.Inserter(db)) {
        BackupRecord record = first;
        while (record != null && record.getItemCase() != BackupRecord.ItemCase.END) {
          if (!inserter.insert(record)) {
            throw new IOException(
                "the backup holds data this memvault does not know; upgrade memvault");
          }
          record = records.next();
        }
        if (record == null) {
          throw new GeneralSecurityException("decryption failed");
        }
        BackupEnd announced = record.getEnd();
        // Reading past the end record reaches the end of the authenticated stream: a payload
        // with anything after it, or rows that do not add up, is not one this code wrote.
        if (records.next() != null || !announced.equals(inserter.counts())) {
          throw new GeneralSecurityException("decryption failed");
        }
      }
      byte[] vaultId = meta.get(META_VAULT_ID);
      if (!Arrays.equals(vaultId, header.getVault().getVaultId().toByteArray())) {
        throw new GeneralSecurityException("decryption failed");
      }
      // The search index is filled from the envelopes when the restored vault first opens.
      meta.put(MetaRows.SEARCH_INDEX_STALE, new byte[] {1});
      db.commit();
    }
  }

  private static VaultException exists(Path file) {
    return new VaultException.AlreadyExists(
        file + " already exists; nothing was written (choose another name or allow replacing it)");
  }

  /** Makes a rename durable: on Linux a directory's entries are synced by fsync on it. */
  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for syncing; the rename itself is still atomic.
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        throw e;
      }
    }
  }

  /** Passes writes through but not {@code close}. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
