package dev.memvault.core.internal.store;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import org.sqlite.mc.SQLiteMCSqlCipherConfig;

/**
 * Opens a SQLCipher v4 database file with a raw 256-bit key.
 *
 * <p>The key goes to the driver as connection properties, never in the JDBC URL (URLs end up in
 * logs and error messages). A raw key skips SQLCipher's own PBKDF2: the key is already random, and
 * opening the vault pays for one KDF (Argon2id on the passphrase), not two.
 */
public final class SqlCipherDatabase {
  public static final int KEY_BYTES = 32;

  private SqlCipherDatabase() {}

  /**
   * Opens (creating if absent) the database and checks that the key reads it.
   *
   * @throws SQLException if the file is not a database under this key (wrong key, tampered or
   *     truncated file)
   */
  public static Connection open(Path file, SecretBytes key) throws SQLException {
    String path = file.toAbsolutePath().toString();
    // The driver reads "?name=value" in the URL as settings, so a path containing '?' could
    // smuggle settings in; such paths are refused rather than escaped.
    if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
      throw new SQLException("vault path must not contain '?' or '#'");
    }
    byte[] raw = key.toByteArray(InsecureSecretKeyAccess.get());
    Properties properties;
    try {
      properties =
          SQLiteMCSqlCipherConfig.getV4Defaults().withRawUnsaltedKey(raw).build().toProperties();
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path, properties);
    properties.clear();
    try (Statement statement = connection.createStatement()) {
      // Reading the schema forces the first page to be decrypted and authenticated.
      statement.execute("SELECT count(*) FROM sqlite_master");
      statement.execute("PRAGMA journal_mode = WAL");
      // FULL: a commit is on disk before it is acknowledged, so an acknowledged write survives
      // power loss, not only a killed process.
      statement.execute("PRAGMA synchronous = FULL");
      statement.execute("PRAGMA foreign_keys = ON");
      // Freed pages are overwritten, so forgotten memories do not linger in free pages.
      statement.execute("PRAGMA secure_delete = ON");
      statement.execute("PRAGMA busy_timeout = 5000");
      // Up to 256 MiB of decrypted pages (default: about 2 MB), taken only as pages are read:
      // every cache miss decrypts and authenticates a page again, and a whole vault of 100,000
      // notes fits (docs/PERFORMANCE.md). The cost is memory holding plaintext pages while the
      // vault is open (threat model: out of scope).
      statement.execute("PRAGMA cache_size = -262144");
      // Statement and savepoint journals and temporary tables stay in memory: an import wraps
      // every conversation in a savepoint, and a journal in a temporary file cost a file write
      // for every page each savepoint touched. No temporary file ever holds vault data.
      statement.execute("PRAGMA temp_store = MEMORY");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }
}
