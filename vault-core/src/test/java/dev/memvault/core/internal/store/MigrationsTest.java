package dev.memvault.core.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations and {@link SqlCipherDatabase} against real SQLCipher files. */
class MigrationsTest {
  @TempDir Path dir;

  private final SecretBytes key = SecretBytes.randomBytes(SqlCipherDatabase.KEY_BYTES);

  @Test
  void migrate_freshDatabase_createsSchemaAtLatestVersion() throws Exception {
    try (Connection connection = SqlCipherDatabase.open(dir.resolve("a.db"), key)) {
      assertEquals(0, Migrations.currentVersion(connection));
      Migrations.migrate(connection);

      assertEquals(Migrations.latestVersion(), Migrations.currentVersion(connection));
      assertTrue(
          tables(connection)
              .containsAll(
                  Set.of(
                      "vault_meta",
                      "scopes",
                      "memories",
                      "memory_revisions",
                      "memory_tags",
                      "memory_fts")),
          tables(connection).toString());
    }
  }

  @Test
  void migrate_twice_secondIsNoOpAndKeepsData() throws Exception {
    Path file = dir.resolve("a.db");
    try (Connection connection = SqlCipherDatabase.open(file, key)) {
      Migrations.migrate(connection);
      new MetaRows(connection).put("k", new byte[] {1, 2});
    }
    try (Connection connection = SqlCipherDatabase.open(file, key)) {
      Migrations.migrate(connection);

      assertEquals(Migrations.latestVersion(), Migrations.currentVersion(connection));
      assertEquals("[1, 2]", Arrays.toString(new MetaRows(connection).get("k")));
    }
  }

  @Test
  void migrate_newerSchema_refusedAndUntouched() throws Exception {
    try (Connection connection = SqlCipherDatabase.open(dir.resolve("a.db"), key)) {
      Migrations.migrate(connection);
      int newer = Migrations.latestVersion() + 1;
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA user_version = " + newer);
      }

      SQLException e = assertThrows(SQLException.class, () -> Migrations.migrate(connection));
      assertTrue(e.getMessage().contains("newer"), e.getMessage());
      assertEquals(newer, Migrations.currentVersion(connection));
    }
  }

  @Test
  void open_otherKey_refused() throws Exception {
    Path file = dir.resolve("a.db");
    try (Connection connection = SqlCipherDatabase.open(file, key)) {
      Migrations.migrate(connection);
    }
    assertThrows(
        SQLException.class,
        () ->
            SqlCipherDatabase.open(file, SecretBytes.randomBytes(SqlCipherDatabase.KEY_BYTES))
                .close());
  }

  @Test
  void open_fileIsEncrypted_noSqliteHeader() throws Exception {
    Path file = dir.resolve("a.db");
    try (Connection connection = SqlCipherDatabase.open(file, key)) {
      Migrations.migrate(connection);
      new MetaRows(connection)
          .put("visible-name", "visible-value".getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = Files.readAllBytes(file);
    String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);

    assertFalse(latin1.startsWith("SQLite format 3\0"));
    assertFalse(latin1.contains("visible-"));
    assertFalse(latin1.contains("CREATE TABLE"));
  }

  @Test
  void open_pathWithQuestionMarkOrHash_refused() {
    assertThrows(
        SQLException.class, () -> SqlCipherDatabase.open(dir.resolve("a.db?cipher=none"), key));
    assertThrows(SQLException.class, () -> SqlCipherDatabase.open(dir.resolve("a#b.db"), key));
    assertFalse(Files.exists(dir.resolve("a.db?cipher=none")));
  }

  @Test
  void open_settings_walFullSyncForeignKeysSecureDelete() throws Exception {
    try (Connection connection = SqlCipherDatabase.open(dir.resolve("a.db"), key)) {
      assertEquals("wal", pragma(connection, "journal_mode"));
      assertEquals("2", pragma(connection, "synchronous"));
      assertEquals("1", pragma(connection, "foreign_keys"));
      assertEquals("1", pragma(connection, "secure_delete"));
    }
  }

  private static String pragma(Connection connection, String name) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static Set<String> tables(Connection connection) throws SQLException {
    Set<String> names = new HashSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }
}
