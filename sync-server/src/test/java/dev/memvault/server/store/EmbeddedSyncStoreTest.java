package dev.memvault.server.store;

import static dev.memvault.server.store.Fixtures.device;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.sync.v1.LogEntry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

  /**
   * Writes queued while another transaction runs commit together; one that fails after it wrote is
   * rolled back to its savepoint alone, and the others of its group still commit.
   */
  @Test
  void inTransaction_failingWorkInAGroup_rolledBackAloneOthersCommitted() throws Exception {
    EmbeddedSyncStore embedded = (EmbeddedSyncStore) store;
    store.registerVault(VAULT, device(1));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    Future<?> first =
        pool.submit(
            () ->
                embedded.inTransaction(
                    "hold the writer",
                    connection -> {
                      holding.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      return null;
                    }));
    holding.await();
    Future<?> failing =
        pool.submit(
            () ->
                embedded.inTransaction(
                    "write, then fail",
                    connection -> {
                      try (Statement insert = connection.createStatement()) {
                        insert.execute("INSERT INTO vaults VALUES (x'00ff', 0, 0, x'00', 0)");
                      }
                      throw new IllegalStateException("failed after writing");
                    }));
    Future<List<LogEntry>> appending =
        pool.submit(() -> store.append(VAULT, Fixtures.changes(1, 3), Fixtures.ACCEPTED_AT));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (embedded.queuedWorks() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(2, embedded.queuedWorks(), "both writes queued behind the held transaction");
    release.countDown();

    first.get(30, TimeUnit.SECONDS);
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> failing.get(30, TimeUnit.SECONDS));
    assertEquals("failed after writing", failed.getCause().getMessage());
    assertEquals(3, appending.get(30, TimeUnit.SECONDS).size());
    pool.shutdown();

    assertEquals(3, store.head(VAULT).getSeq());
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dataDirectory.resolve(EmbeddedSyncStore.DATABASE_FILE));
        Statement query = connection.createStatement();
        java.sql.ResultSet rows = query.executeQuery("SELECT count(*) FROM vaults")) {
      rows.next();
      assertEquals(1, rows.getInt(1), "the failed work's row was rolled back");
    }
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

  @Test
  void open_newThenAgainThenFromThePreviousSchema_saysWhatItDidToTheSchema() throws Exception {
    int latest = EmbeddedSchema.latestVersion();
    assertEquals(Optional.of(new SchemaMigration(0, latest)), store.schemaMigration());
    assertEquals(
        "schema version " + latest + ", created", store.schemaMigration().get().describe());
    store.close();
    store = openStore(LIMITS);
    assertEquals(
        "schema version " + latest + ", up to date", store.schemaMigration().get().describe());
    store.close();
    store = null;
    // The previous release's schema: its last step (the secret's check value) not taken yet.
    try (Connection raw =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dataDirectory.resolve(EmbeddedSyncStore.DATABASE_FILE));
        Statement statement = raw.createStatement()) {
      statement.execute("DROP TABLE server_secret_check");
    }
    setSchemaVersion(latest - 1);

    store = openStore(LIMITS);

    assertEquals(
        "schema migrated from version " + (latest - 1) + " to " + latest,
        store.schemaMigration().get().describe());
    store.registerVault(VAULT, device(1));
    // A store from before check values records the first one it is given.
    assertArrayEquals(new byte[] {9}, store.serverSecretCheck(new byte[] {9}));
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

  /** What the store configures on every connection; all but journal_mode hold per connection. */
  private static final Map<String, String> DRIVER_SETTINGS =
      Map.of(
          "journal_mode", "wal",
          "synchronous", "2", // FULL
          "temp_store", "2", // MEMORY
          "foreign_keys", "1",
          "busy_timeout", "10000");

  /**
   * The driver applied its settings, read back from the store's own connections: the writer and
   * every reader. Readers are taken from a FIFO pool and handed back, so {@link
   * EmbeddedSyncStore#READERS} readings visit each reader once.
   */
  @Test
  void open_everyConnection_driverSettingsApplied() {
    EmbeddedSyncStore embedded = (EmbeddedSyncStore) store;

    assertEquals(
        expectedSettings("0"),
        embedded.inTransaction("read the settings", EmbeddedSyncStoreTest::settings));
    Set<Connection> readers = new HashSet<>();
    for (int i = 0; i < EmbeddedSyncStore.READERS; i++) {
      assertEquals(
          expectedSettings("1"),
          embedded.reading(
              "read the settings",
              connection -> {
                readers.add(connection);
                return settings(connection);
              }));
    }
    assertEquals(EmbeddedSyncStore.READERS, readers.size());
  }

  private static Map<String, String> expectedSettings(String queryOnly) {
    Map<String, String> expected = new TreeMap<>(DRIVER_SETTINGS);
    expected.put("query_only", queryOnly);
    return expected;
  }

  private static Map<String, String> settings(Connection connection) throws SQLException {
    Map<String, String> settings = new TreeMap<>();
    for (String pragma : expectedSettings("").keySet()) {
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("PRAGMA " + pragma)) {
        rows.next();
        settings.put(pragma, rows.getString(1));
      }
    }
    return settings;
  }
}
