package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.protocol.LogChain;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.PostgresSyncStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's backup and restore of the PostgreSQL store, statement for statement, between real
 * devices syncing through the real server over TCP: a device that had not synced since the backup
 * goes on syncing after the restore; one that had verified the longer log is refused with a line
 * saying the server's log went back in time, and keeps what it has.
 */
class PostgresBackupRestoreTest {
  /** The README's statements ("Backups"), run with every server of the database stopped. */
  static final String BACKUP = "CREATE DATABASE memvault_backup TEMPLATE memvault";

  static final List<String> RESTORE =
      List.of("DROP DATABASE memvault", "CREATE DATABASE memvault TEMPLATE memvault_backup");

  @TempDir Path dir;

  @Test
  void restore_ofAnOlderBackup_quietDeviceSyncsOnAndAheadDeviceIsToldTheLogWentBack()
      throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      sql(postgres, "CREATE DATABASE memvault");
      String url = postgres.getJdbcUrl("postgres", "memvault");
      try (RealServer server =
              new RealServer(
                  () ->
                      PostgresSyncStore.open(
                          url, "postgres", null, Limits.DEFAULTS.storeLimits()));
          MemoryVault laptop = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault()) {
        laptop.add(NewMemory.of("work", Kind.NOTE, "before the phone"));
        sync(laptop, server.url());
        try (MemoryVault phone = Linking.link(laptop, server.url(), dir.resolve("phone")).vault()) {
          backUpSyncOnRestore(postgres, server, laptop, phone);
        }
      }
    }
  }

  private void backUpSyncOnRestore(
      EmbeddedPostgres postgres, RealServer server, MemoryVault laptop, MemoryVault phone)
      throws Exception {
    byte[] vaultId = laptop.replica().vaultIdBytes();
    // Written after the phone's last sync, before the backup: the phone gets it from the
    // restored database.
    laptop.add(NewMemory.of("work", Kind.NOTE, "in the backup"));
    sync(laptop, server.url());
    long backedUp = server.storedLog(vaultId).size();

    server.stop();
    sql(postgres, BACKUP);
    server.start();

    laptop.add(NewMemory.of("work", Kind.NOTE, "after the backup"));
    long verified = sync(laptop, server.url()).seq();
    assertTrue(verified > backedUp, verified + " after " + backedUp);

    server.stop();
    for (String statement : RESTORE) {
      sql(postgres, statement);
    }
    server.start();
    assertEquals(backedUp, server.storedLog(vaultId).size(), "the restore took");

    // The laptop verified a longer log than the restored one.
    List<Memory> laptopBefore = memories(laptop);
    VaultException wentBack = assertThrows(VaultException.class, () -> sync(laptop, server.url()));
    assertEquals(
        "the sync server's log went back in time: it ends at seq "
            + backedUp
            + ", but this device verified it up to seq "
            + verified
            + " (a restore from an older backup does this, or a server hiding changes);"
            + " refusing to sync, nothing here changed: ask the server's operator",
        wentBack.getMessage());
    assertEquals(laptopBefore, memories(laptop), "the laptop keeps what it has");

    // The phone had not synced since the backup: it pulls what the backup holds and pushes.
    sync(phone, server.url());
    assertTrue(has(phone, "in the backup"));
    assertFalse(has(phone, "after the backup"), "the server lost it; only the laptop has it");
    phone.add(NewMemory.of("work", Kind.NOTE, "after the restore"));
    SyncReport pushed = sync(phone, server.url());
    assertTrue(pushed.pushed() > 0, pushed.toString());
    LogChain.verifyExtends(LogChain.emptyHead(), server.storedLog(vaultId), vaultId);
    // A device linked through the phone now gets the restored log and what came after.
    try (MemoryVault tablet = Linking.link(phone, server.url(), dir.resolve("tablet")).vault()) {
      assertTrue(has(tablet, "in the backup"));
      assertTrue(has(tablet, "after the restore"));
    }
  }

  /** Runs {@code statement} on the cluster's maintenance database, as psql -d postgres would. */
  private static void sql(EmbeddedPostgres postgres, String statement) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement run = connection.createStatement()) {
      run.execute(statement);
    }
  }

  private static SyncReport sync(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.sync();
    }
  }

  private static List<Memory> memories(MemoryVault vault) {
    return vault.list(Selection.all());
  }

  private static boolean has(MemoryVault vault, String text) {
    return vault.list(Selection.all()).stream().anyMatch(m -> m.getText().equals(text));
  }
}
