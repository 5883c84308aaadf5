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
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.PostgresSyncStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forgetting and superseding reach the server: a change names the log position it supersedes
 * through, the server drops the payloads of the earlier entries about its record and keeps their
 * hashes, and devices check each drop against the change that released it. Real server over TCP on
 * 127.0.0.1; its storage is read and edited directly between restarts.
 */
class SupersededPayloadsTest {
  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private static SyncReport sync(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.sync();
    }
  }

  @Test
  void forget_embeddedStore_serverFilesHoldNoRevisionOfTheForgottenMemory() throws Exception {
    RealServer server = track(new RealServer(Files.createDirectories(dir.resolve("server-data"))));
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    laptop.add(NewMemory.of("work", Kind.NOTE, "stays"));
    Memory doomed = laptop.add(NewMemory.of("health", Kind.FACT, "first wording"));
    sync(laptop, server.url());
    laptop.update(doomed.getId(), "second wording");
    sync(laptop, server.url());
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    assertEquals("second wording", phone.get(doomed.getId()).getText());

    server.stop();
    Path database = server.data().resolve("sync.db");
    List<byte[]> revisions = payloads(sqlite(database), recordId(laptop, doomed));
    assertEquals(1, revisions.size(), "the first wording went when the second superseded it");
    assertTrue(anyFileHolds(server.data(), revisions), "the check can see the second wording");
    server.start();

    laptop.forget(doomed.getId());
    sync(laptop, server.url());
    server.stop();

    assertFalse(anyFileHolds(server.data(), revisions));
    assertEquals(
        1, payloads(sqlite(database), recordId(laptop, doomed)).size(), "the tombstone alone");
    server.start();
    sync(phone, server.url());
    assertThrows(VaultException.UnknownItem.class, () -> phone.get(doomed.getId()));
    MemoryVault tablet = track(Linking.link(laptop, server.url(), dir.resolve("tablet")).vault());
    assertEquals(texts(laptop), texts(tablet));
    assertEquals(List.of("stays"), texts(tablet));
  }

  @Test
  void forget_postgresStore_databaseFilesHoldNoRevisionOfItAfterVacuum() throws Exception {
    Path pgData = dir.resolve("pg");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(pgData).start();
        RealServer server =
            new RealServer(
                () ->
                    PostgresSyncStore.open(
                        postgres.getPostgresDatabase(), Limits.DEFAULTS.storeLimits()));
        MemoryVault laptop = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault()) {
      DataSource database = postgres.getPostgresDatabase();
      Memory doomed = laptop.add(NewMemory.of("health", Kind.FACT, "forget me on PostgreSQL"));
      laptop.add(NewMemory.of("work", Kind.NOTE, "stays"));
      sync(laptop, server.url());
      List<byte[]> revisions = payloads(database.getConnection(), recordId(laptop, doomed));
      assertEquals(1, revisions.size());
      checkpoint(database);
      assertTrue(anyFileHolds(pgData.resolve("base"), revisions), "the check can see it");

      laptop.forget(doomed.getId());
      sync(laptop, server.url());
      try (Connection connection = database.getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("VACUUM log_entries");
      }
      checkpoint(database);

      assertEquals(
          1,
          payloads(database.getConnection(), recordId(laptop, doomed)).size(),
          "the tombstone alone");
      assertFalse(anyFileHolds(pgData.resolve("base"), revisions));
    }
  }

  @Test
  void sync_serverDropsAPayloadNoChangeReleased_deviceRefusesAndKeepsItsVault() throws Exception {
    RealServer server = track(new RealServer(Files.createDirectories(dir.resolve("server-data"))));
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    laptop.add(NewMemory.of("work", Kind.NOTE, "known to both"));
    sync(laptop, server.url());
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    Memory withheld = laptop.add(NewMemory.of("work", Kind.NOTE, "the server hides this"));
    Memory other = laptop.add(NewMemory.of("work", Kind.NOTE, "edited later"));
    sync(laptop, server.url());
    laptop.update(other.getId(), "edited, superseding only itself");
    sync(laptop, server.url());
    List<Memory> before = all(phone);

    server.stop();
    // Drop the hidden memory's payload, naming the later edit of another memory as its release.
    try (Connection db = sqlite(server.data().resolve("sync.db"));
        PreparedStatement drop =
            db.prepareStatement(
                "UPDATE log_entries SET payload = X'', payload_dropped_by ="
                    + " (SELECT max(seq) FROM log_entries) WHERE record_id = ?")) {
      drop.setBytes(1, recordId(laptop, withheld));
      assertEquals(1, drop.executeUpdate());
    }
    server.start();

    VaultException e = assertThrows(VaultException.Corrupt.class, () -> sync(phone, server.url()));

    assertTrue(e.getMessage().startsWith("the sync server dropped the change at log entry "));
    assertTrue(e.getMessage().contains("a server that withholds changes"), e.getMessage());
    assertEquals(before, all(phone));
    assertThrows(VaultException.UnknownItem.class, () -> phone.get(withheld.getId()));
  }

  @Test
  void sync_serverDropsAPayloadNamingNoRelease_deviceRefuses() throws Exception {
    RealServer server = track(new RealServer(Files.createDirectories(dir.resolve("server-data"))));
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    laptop.add(NewMemory.of("work", Kind.NOTE, "known to both"));
    sync(laptop, server.url());
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    Memory withheld = laptop.add(NewMemory.of("work", Kind.NOTE, "the server hides this"));
    sync(laptop, server.url());

    server.stop();
    try (Connection db = sqlite(server.data().resolve("sync.db"));
        PreparedStatement drop =
            db.prepareStatement("UPDATE log_entries SET payload = X'' WHERE record_id = ?")) {
      drop.setBytes(1, recordId(laptop, withheld));
      assertEquals(1, drop.executeUpdate());
    }
    server.start();

    VaultException e = assertThrows(VaultException.Corrupt.class, () -> sync(phone, server.url()));

    assertTrue(
        e.getMessage().contains("without naming a later change that released it"), e.getMessage());
  }

  /**
   * The laptop edits a memory offline, then the phone edits it later and syncs first; the laptop's
   * edit reaches the log after the phone's but loses to it. It supersedes only what the laptop had
   * applied when it was written, so the phone's winning revision keeps its payload and a device
   * that joins afterwards ends with the same text as the other two.
   */
  @Test
  void update_writtenBeforeAConcurrentLaterEdit_leavesThatEditOnTheServer() throws Exception {
    RealServer server = track(new RealServer(Files.createDirectories(dir.resolve("server-data"))));
    Instant start = Instant.now();
    MemoryVault laptop = track(MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault());
    Memory shared = laptop.add(NewMemory.of("work", Kind.NOTE, "first wording"));
    sync(laptop, server.url());
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    laptop = reopen(laptop, Clock.fixed(start.plusSeconds(60), ZoneOffset.UTC));
    phone = reopen(phone, Clock.fixed(start.plusSeconds(120), ZoneOffset.UTC));

    laptop.update(shared.getId(), "the laptop's earlier edit");
    phone.update(shared.getId(), "the phone's later edit");
    sync(phone, server.url());
    sync(laptop, server.url());
    sync(phone, server.url());

    assertEquals("the phone's later edit", laptop.get(shared.getId()).getText());
    assertEquals("the phone's later edit", phone.get(shared.getId()).getText());
    MemoryVault tablet = track(Linking.link(laptop, server.url(), dir.resolve("tablet")).vault());
    assertEquals("the phone's later edit", tablet.get(shared.getId()).getText());
  }

  private MemoryVault reopen(MemoryVault vault, Clock clock) {
    Path directory = vault.directory();
    vault.close();
    open.remove(vault);
    return track(MemoryVault.open(directory, PASSPHRASE, clock));
  }

  private static List<Memory> all(MemoryVault vault) {
    List<Memory> memories =
        new ArrayList<>(vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT)));
    memories.sort(Comparator.comparing(Memory::getId));
    return memories;
  }

  private static List<String> texts(MemoryVault vault) {
    return all(vault).stream().map(Memory::getText).sorted().toList();
  }

  /** The opaque id the server files the memory under. */
  private static byte[] recordId(MemoryVault vault, Memory memory) {
    return vault.replica().recordIdOf(memory.getId());
  }

  private static Connection sqlite(Path database) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + database);
  }

  /** The payloads the server still holds for a record (closes {@code connection}). */
  private static List<byte[]> payloads(Connection connection, byte[] recordId) throws SQLException {
    List<byte[]> payloads = new ArrayList<>();
    try (connection;
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT payload FROM log_entries WHERE record_id = ? AND length(payload) > 0")) {
      select.setBytes(1, recordId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          payloads.add(rows.getBytes(1));
        }
      }
    }
    return payloads;
  }

  /** Writes PostgreSQL's dirty pages to the data files, so a scan of them sees what it holds. */
  private static void checkpoint(DataSource database) throws SQLException {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CHECKPOINT");
    }
  }

  /**
   * Whether any file under {@code root} holds 48 bytes from the middle of any of {@code payloads}:
   * ciphertext, so a window that long is found only where the payload itself was written.
   */
  private static boolean anyFileHolds(Path root, List<byte[]> payloads) throws IOException {
    List<byte[]> needles = new ArrayList<>();
    for (byte[] payload : payloads) {
      int from = payload.length / 2 - 24;
      needles.add(java.util.Arrays.copyOfRange(payload, from, from + 48));
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        for (byte[] needle : needles) {
          if (indexOf(bytes, needle) >= 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
