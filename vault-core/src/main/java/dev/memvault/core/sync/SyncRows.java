package dev.memvault.core.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the sync tables: outbox, sync_state and device_keys and the merge-state tables (Migrations step 3).
 * Callers own transactions: every method here runs inside the caller's.
 */
public final class SyncRows {
  private static final String HLC = "hlc";
  private static final String SERVER_URL = "server_url";
  private static final String SERVER_ID = "server_id";
  private static final String CURSOR_SEQ = "cursor_seq";
  private static final String HEAD_HASH = "head_hash";

  private final Connection connection;

  public SyncRows(Connection connection) {
    this.connection = connection;
  }

  public void enqueue(byte[] changeId, byte[] recordId, byte[] payload) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO outbox (change_id, record_id, payload) VALUES (?, ?, ?)")) {
      insert.setBytes(1, changeId);
      insert.setBytes(2, recordId);
      insert.setBytes(3, payload);
      insert.executeUpdate();
    }
  }

  /** The oldest {@code limit} pending changes, in the order they were written. */
  public List<OutboxEntry> pending(int limit) throws SQLException {
    List<OutboxEntry> entries = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT seq, change_id, record_id, payload FROM outbox ORDER BY seq LIMIT ?")) {
      query.setInt(1, limit);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          entries.add(
              new OutboxEntry(rows.getLong(1), rows.getBytes(2), rows.getBytes(3), rows.getBytes(4)));
        }
      }
    }
    return entries;
  }

  public long pendingCount() throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM outbox");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  public void remove(List<OutboxEntry> entries) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
      for (OutboxEntry entry : entries) {
        delete.setLong(1, entry.seq());
        delete.addBatch();
      }
      delete.executeBatch();
    }
  }

  public long hlc() throws SQLException {
    return get(HLC).map(v -> ByteBuffer.wrap(v).getLong()).orElse(0L);
  }

  public void putHlc(long value) throws SQLException {
    put(HLC, ByteBuffer.allocate(Long.BYTES).putLong(value).array());
  }

  /** The stored cursor, if this device has been told a server. */
  public Optional<SyncCursor> cursor() throws SQLException {
    Optional<byte[]> url = get(SERVER_URL);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    String serverId = get(SERVER_ID).map(v -> new String(v, StandardCharsets.UTF_8)).orElse("");
    long seq = get(CURSOR_SEQ).map(v -> ByteBuffer.wrap(v).getLong()).orElse(0L);
    byte[] head = get(HEAD_HASH).orElse(new byte[SyncCursor.HASH_LENGTH]);
    return Optional.of(
        new SyncCursor(new String(url.get(), StandardCharsets.UTF_8), serverId, seq, head));
  }

  public void putCursor(SyncCursor cursor) throws SQLException {
    put(SERVER_URL, cursor.serverUrl().getBytes(StandardCharsets.UTF_8));
    put(SERVER_ID, cursor.serverId().getBytes(StandardCharsets.UTF_8));
    put(CURSOR_SEQ, ByteBuffer.allocate(Long.BYTES).putLong(cursor.seq()).array());
    put(HEAD_HASH, cursor.headHash());
  }

  public Optional<byte[]> deviceKey(byte[] deviceId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT keyset FROM device_keys WHERE device_id = ?")) {
      query.setBytes(1, deviceId);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
      }
    }
  }

  public void putDeviceKey(byte[] deviceId, byte[] encryptedKeyset) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO device_keys (device_id, keyset) VALUES (?, ?)")) {
      insert.setBytes(1, deviceId);
      insert.setBytes(2, encryptedKeyset);
      insert.executeUpdate();
    }
  }

  private Optional<byte[]> get(String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT value FROM sync_state WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
      }
    }
  }

  private void put(String name, byte[] value) throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO sync_state (name, value) VALUES (?, ?)"
                + " ON CONFLICT(name) DO UPDATE SET value = excluded.value")) {
      upsert.setString(1, name);
      upsert.setBytes(2, value);
      upsert.executeUpdate();
    }
  }

  /** The greatest tombstone hlc seen for a memory (0: none). */
  public long purgeHlc(String id) throws SQLException {
    return readLong("SELECT purge_hlc FROM memory_purges WHERE id = ?", q -> q.setString(1, id));
  }

  public void setPurgeHlc(String id, long hlc) throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO memory_purges (id, purge_hlc) VALUES (?, ?)"
                + " ON CONFLICT(id) DO UPDATE SET purge_hlc = excluded.purge_hlc")) {
      upsert.setString(1, id);
      upsert.setLong(2, hlc);
      upsert.executeUpdate();
    }
  }

  /** The hlc of the ScopeRecord whose primary key the scope uses (0: before sync). */
  public long scopeHlc(byte[] scopeId) throws SQLException {
    return readLong("SELECT hlc FROM scope_clocks WHERE scope_id = ?", q -> q.setBytes(1, scopeId));
  }

  public void setScopeHlc(byte[] scopeId, long hlc) throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO scope_clocks (scope_id, hlc) VALUES (?, ?)"
                + " ON CONFLICT(scope_id) DO UPDATE SET hlc = excluded.hlc")) {
      upsert.setBytes(1, scopeId);
      upsert.setLong(2, hlc);
      upsert.executeUpdate();
    }
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private long readLong(String sql, Binder binder) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      binder.bind(query);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }
}
