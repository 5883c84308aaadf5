package dev.memvault.core.internal.store;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A copy of a vault database under a new SQLCipher key: the file is copied, and the copy is
 * re-encrypted page by page with SQLCipher's own {@code PRAGMA rekey}. The original is never
 * written, so a process killed at any point leaves it whole; the caller puts the copy in its place
 * once it is complete and durable.
 */
public final class DatabaseRekey {
  private DatabaseRekey() {}

  /**
   * Copies {@code source} (closed, its write-ahead log checkpointed into it) to {@code target},
   * re-encrypted from {@code oldKey} to {@code newKey}, and returns the copy open under the new key
   * for the caller's further changes (in WAL mode, as every vault database).
   *
   * @throws SQLException if {@code oldKey} does not open the source, or the rekey fails
   */
  public static Connection copyUnderNewKey(
      Path source, SecretBytes oldKey, Path target, SecretBytes newKey)
      throws SQLException, IOException {
    // The copy keeps the database's owner-only mode.
    Files.copy(
        source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    Connection connection = SqlCipherDatabase.open(target, oldKey);
    try (Statement statement = connection.createStatement()) {
      // SQLCipher re-encrypts only with a rollback journal, not with a write-ahead log.
      statement.execute("PRAGMA journal_mode = DELETE");
      byte[] raw = newKey.toByteArray(InsecureSecretKeyAccess.get());
      try {
        statement.execute("PRAGMA rekey = \"x'" + HexFormat.of().formatHex(raw) + "'\"");
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
      statement.execute("PRAGMA journal_mode = WAL");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /** Forces {@code file}'s contents to disk. */
  public static void sync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Folds the write-ahead log into the database file and empties it. */
  public static void checkpoint(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }
}
