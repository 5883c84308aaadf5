package dev.memvault.server.store;

import static dev.memvault.server.store.Fixtures.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite files in a fresh data directory per test, and what only files do. */
class EmbeddedSyncStoreTest extends SyncStoreContract {
  @TempDir Path temp;
  Path dataDirectory;

  @Override
  void createStorage() {
    dataDirectory = temp.resolve("data");
  }

  @Override
  SyncStore openStore(StoreLimits limits) {
    return EmbeddedSyncStore.open(dataDirectory, limits);
  }

  @Test
  void open_directoryHeldByOpenStore_failsWithClearMessage() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> openStore(LIMITS));

    assertTrue(e.getMessage().contains(dataDirectory.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("already open"), e.getMessage());
    store.registerVault(VAULT, device(1)); // the first store is unaffected
  }

  @Test
  void open_afterFailedSecondOpen_firstStoreKeepsItsLock() {
    assertThrows(IllegalStateException.class, () -> openStore(LIMITS));
    store.close();

    store = openStore(LIMITS); // released by close, not by the failed attempt
    assertThrows(IllegalStateException.class, () -> openStore(LIMITS));
  }

  @Test
  void open_newerSchema_failsWithClearMessageAndReleasesDirectory() throws Exception {
    store.close();
    store = null;
    setSchemaVersion(EmbeddedSchema.latestVersion() + 1);

    StoreException e = assertThrows(StoreException.class, () -> openStore(LIMITS));

    assertTrue(e.getCause().getMessage().contains("newer than this server"), e.getMessage());
    setSchemaVersion(EmbeddedSchema.latestVersion());
    store = openStore(LIMITS);
  }

  private void setSchemaVersion(int version) throws Exception {
    try (Connection raw =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dataDirectory.resolve(EmbeddedSyncStore.DATABASE_FILE));
        Statement statement = raw.createStatement()) {
      statement.execute("PRAGMA user_version = " + version);
    }
  }

  @Test
  void open_files_walModeInDataDirectory() throws Exception {
    store.registerVault(VAULT, device(1));

    assertTrue(dataDirectory.resolve(EmbeddedSyncStore.DATABASE_FILE).toFile().isFile());
    assertTrue(dataDirectory.resolve(EmbeddedSyncStore.LOCK_FILE).toFile().isFile());
    try (Connection raw =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dataDirectory.resolve(EmbeddedSyncStore.DATABASE_FILE));
        Statement statement = raw.createStatement();
        var rows = statement.executeQuery("PRAGMA journal_mode")) {
      rows.next();
      assertEquals("wal", rows.getString(1));
    }
  }
}
