package dev.memvault.core.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.util.SecretBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseRekeyTest {
  @TempDir Path dir;

  @Test
  void copyUnderNewKey_copyOpensOnlyWithTheNewKeyAndTheOriginalOnlyWithTheOld() throws Exception {
    SecretBytes oldKey = SecretBytes.randomBytes(32);
    SecretBytes newKey = SecretBytes.randomBytes(32);
    Path source = dir.resolve("vault.db");
    try (Connection db = SqlCipherDatabase.open(source, oldKey);
        Statement statement = db.createStatement()) {
      statement.execute("CREATE TABLE t (v TEXT)");
      statement.execute("INSERT INTO t VALUES ('penicillin')");
      DatabaseRekey.checkpoint(db);
    }
    byte[] originalBytes = Files.readAllBytes(source);
    Path target = dir.resolve("vault.db.rekey");

    DatabaseRekey.copyUnderNewKey(source, oldKey, target, newKey).close();

    assertArrayEquals(originalBytes, Files.readAllBytes(source), "the original is not written");
    try (Connection db = SqlCipherDatabase.open(target, newKey);
        Statement statement = db.createStatement();
        ResultSet rows = statement.executeQuery("SELECT v FROM t")) {
      rows.next();
      assertEquals("penicillin", rows.getString(1));
    }
    assertThrows(SQLException.class, () -> SqlCipherDatabase.open(target, oldKey).close());
    SqlCipherDatabase.open(source, oldKey).close();
  }
}
