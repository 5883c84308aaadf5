package dev.memvault.core.internal.sync;

import dev.memvault.core.internal.store.StatementCache;
import dev.memvault.core.sync.DroppedPayload;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.core.sync.SyncCursor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads and writes the sync tables: outbox, sync_state and device_keys and the merge-state tables
 * (Migrations step 3). Callers own transactions: every method here runs inside the caller's.
 */
public final class SyncRows {
  private static final String HLC = "hlc";
  private static final String SERVER_URL = "server_url";
  private static final String SERVER_ID = "server_id";
  private static final String CURSOR_SEQ = "cursor_seq";
  private static final String HEAD_HASH = "head_hash";
  private static final String AWAITING_RELEASE = "awaiting_release";

  private final Connection connection;
  private final StatementCache statements;

  public SyncRows(Connection connection) {
    this.connection = connection;
    this.statements = new StatementCache(connection);
  }

  /**
   * Queues a memory revision by reference: the envelope stays in the memory tables, and {@code
   * envelopeHash} tells at push time whether it is still the one written.
   */
  public void enqueueRevision(
      byte[] changeId, byte[] recordId, String memoryId, long revision, byte[] envelopeHash)
      throws SQLException {
    // Cached: one row per write of a batch or an import.
    PreparedStatement insert =
        statements.get(
            "INSERT INTO outbox (change_id, record_id, payload, memory_id, revision,"
                + " envelope_hash, written_after)"
                + " VALUES (?, ?, X'', ?, ?, ?,"
                + " (SELECT value FROM sync_state WHERE name = '"
                + CURSOR_SEQ
                + "'))");
    insert.setBytes(1, changeId);
    insert.setBytes(2, recordId);
    insert.setString(3, memoryId);
    insert.setLong(4, revision);
    insert.setBytes(5, envelopeHash);
    insert.executeUpdate();
  }

  /** Queues a change whose payload is complete now (a checkpoint). */
  public void enqueuePayload(byte[] changeId, byte[] recordId, byte[] payload) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO outbox (change_id, record_id, payload) VALUES (?, ?, ?)")) {
      insert.setBytes(1, changeId);
      insert.setBytes(2, recordId);
      insert.setBytes(3, payload);
      insert.executeUpdate();
    }
  }

  /** Remembers the entry hash of a verified log position. */
  public void putLogHash(long seq, byte[] entryHash) throws SQLException {
    PreparedStatement insert =
        statements.get("INSERT OR REPLACE INTO log_hashes (seq, entry_hash) VALUES (?, ?)");
    insert.setLong(1, seq);
    insert.setBytes(2, entryHash);
    insert.executeUpdate();
  }

  /** The entry hash this device verified at {@code seq}, if it kept one. */
  public Optional<byte[]> logHash(long seq) throws SQLException {
    PreparedStatement query = statements.get("SELECT entry_hash FROM log_hashes WHERE seq = ?");
    query.setLong(1, seq);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
    }
  }

  /** Forgets every kept log hash (another server's log starts over). */
  public void clearLogHashes() throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM log_hashes")) {
      delete.executeUpdate();
    }
  }

  /** Forgets every device's latest checkpoint: they name positions of a log that starts over. */
  public void clearCheckpoints() throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device_checkpoints")) {
      delete.executeUpdate();
    }
  }

  /** Marks every memory as not yet named by the log being followed from its start. */
  public void markAllUnheard() throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT OR IGNORE INTO memories_unheard (id) SELECT id FROM memories")) {
      insert.executeUpdate();
    }
  }

  /** A change of the log named memory {@code id}. */
  public void heard(String id) throws SQLException {
    PreparedStatement delete = statements.get("DELETE FROM memories_unheard WHERE id = ?");
    delete.setString(1, id);
    delete.executeUpdate();
  }

  /** The memories no change of the followed log named, and forgets them all. */
  public List<String> takeUnheard() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT id FROM memories_unheard ORDER BY id");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM memories_unheard")) {
      delete.executeUpdate();
    }
    return ids;
  }

  /** Keeps the links of the verified device chain from {@code firstSeq} on (serialized). */
  public void putChainLinks(long firstSeq, List<byte[]> links) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT OR REPLACE INTO chain_links (seq, link) VALUES (?, ?)")) {
      long seq = firstSeq;
      for (byte[] link : links) {
        insert.setLong(1, seq++);
        insert.setBytes(2, link);
        insert.executeUpdate();
      }
    }
  }

  /** How many links of the verified device chain are kept (they run from seq 1 without gaps). */
  public long chainLinkCount() throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM chain_links");
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** The kept links of the verified device chain, serialized, from seq 1 on. */
  public List<byte[]> chainLinks() throws SQLException {
    List<byte[]> links = new ArrayList<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT link FROM chain_links ORDER BY seq");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        links.add(rows.getBytes(1));
      }
    }
    return links;
  }

  /** A device's latest checkpoint as this device saw it. */
  public record SeenCheckpoint(byte[] deviceId, long logSeq, long madeAtMillis, long atSeq) {}

  public void putCheckpoint(SeenCheckpoint checkpoint) throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO device_checkpoints (device_id, log_seq, made_at_ms, at_seq)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET"
                + " log_seq = excluded.log_seq, made_at_ms = excluded.made_at_ms,"
                + " at_seq = excluded.at_seq WHERE excluded.at_seq > device_checkpoints.at_seq")) {
      upsert.setBytes(1, checkpoint.deviceId());
      upsert.setLong(2, checkpoint.logSeq());
      upsert.setLong(3, checkpoint.madeAtMillis());
      upsert.setLong(4, checkpoint.atSeq());
      upsert.executeUpdate();
    }
  }

  public List<SeenCheckpoint> checkpoints() throws SQLException {
    List<SeenCheckpoint> seen = new ArrayList<>();
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT device_id, log_seq, made_at_ms, at_seq FROM device_checkpoints"
                    + " ORDER BY made_at_ms DESC");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        seen.add(
            new SeenCheckpoint(
                rows.getBytes(1), rows.getLong(2), rows.getLong(3), rows.getLong(4)));
      }
    }
    return seen;
  }

  /** Acknowledged changes no pull has seen yet. */
  public long unconfirmedCount() throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM outbox_acks");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Queues a scope by reference: its name and keyset as they are at push time go out. */
  public void enqueueScope(byte[] changeId, byte[] scopeId) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO outbox (change_id, record_id, payload) VALUES (?, ?, X'')")) {
      insert.setBytes(1, changeId);
      insert.setBytes(2, scopeId);
      insert.executeUpdate();
    }
  }

  /** Up to {@code limit} queued rows after outbox position {@code afterSeq}, oldest first. */
  public List<OutboxRow> pending(long afterSeq, int limit) throws SQLException {
    List<OutboxRow> rows = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT seq, change_id, record_id, payload, memory_id, revision, envelope_hash,"
                + " written_after FROM outbox o WHERE seq > ?"
                + " AND NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.outbox_seq = o.seq)"
                + " ORDER BY seq LIMIT ?")) {
      query.setLong(1, afterSeq);
      query.setInt(2, limit);
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          byte[] payload = result.getBytes(4);
          rows.add(
              new OutboxRow(
                  result.getLong(1),
                  result.getBytes(2),
                  result.getBytes(3),
                  payload == null ? new byte[0] : payload,
                  result.getString(5),
                  result.getLong(6),
                  result.getBytes(7),
                  seqOf(result.getBytes(8))));
        }
      }
    }
    return rows;
  }

  /** A stored cursor seq (8 bytes, big-endian), or 0 for none. */
  private static long seqOf(byte[] stored) {
    return stored == null || stored.length != Long.BYTES ? 0 : ByteBuffer.wrap(stored).getLong();
  }

  public long pendingCount() throws SQLException {
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT count(*) FROM outbox o"
                    + " WHERE NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.outbox_seq = o.seq)");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  public void remove(List<OutboxEntry> entries) throws SQLException {
    removeSeqs(entries.stream().map(OutboxEntry::seq).toList());
  }

  /**
   * Marks pushed rows as acknowledged by the server at the given log positions: they leave the
   * queue, and wait for their pull to see them there ({@link #ackedSeq}, {@link #removeChange}).
   */
  public void markAcknowledged(List<OutboxEntry> entries, List<Long> logSeqs) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "INSERT OR REPLACE INTO outbox_acks (outbox_seq, acked_seq) VALUES (?, ?)")) {
      for (int i = 0; i < entries.size(); i++) {
        update.setLong(1, entries.get(i).seq());
        update.setLong(2, logSeqs.get(i));
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  /**
   * A change of the outbox, looked up by id: empty if none is queued under it; otherwise the log
   * position acknowledged for it if it was pushed and awaits its pull.
   */
  public Optional<OptionalLong> queuedChange(byte[] changeId) throws SQLException {
    PreparedStatement query =
        statements.get(
            "SELECT a.acked_seq FROM outbox o LEFT JOIN outbox_acks a ON a.outbox_seq = o.seq"
                + " WHERE o.change_id = ?");
    query.setBytes(1, changeId);
    try (ResultSet rows = query.executeQuery()) {
      if (!rows.next()) {
        return Optional.empty();
      }
      long acked = rows.getLong(1);
      return Optional.of(rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(acked));
    }
  }

  public void removeChange(byte[] changeId) throws SQLException {
    try (PreparedStatement unack =
            connection.prepareStatement(
                "DELETE FROM outbox_acks WHERE outbox_seq ="
                    + " (SELECT seq FROM outbox WHERE change_id = ?)");
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM outbox WHERE change_id = ?")) {
      unack.setBytes(1, changeId);
      unack.executeUpdate();
      delete.setBytes(1, changeId);
      delete.executeUpdate();
    }
  }

  /** Drops every acknowledged row that awaits its pull (the log it was acknowledged in is gone). */
  public void dropAcknowledged() throws SQLException {
    try (PreparedStatement delete =
            connection.prepareStatement(
                "DELETE FROM outbox WHERE seq IN (SELECT outbox_seq FROM outbox_acks)");
        PreparedStatement unack = connection.prepareStatement("DELETE FROM outbox_acks")) {
      delete.executeUpdate();
      unack.executeUpdate();
    }
  }

  /** The outbox seqs of acknowledged changes no pull has seen yet. */
  public List<Long> unconfirmed() throws SQLException {
    List<Long> seqs = new ArrayList<>();
    try (PreparedStatement query =
            connection.prepareStatement("SELECT outbox_seq FROM outbox_acks ORDER BY outbox_seq");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        seqs.add(rows.getLong(1));
      }
    }
    return seqs;
  }

  /**
   * Queues an acknowledged row again under a new change id: the server that withheld it would
   * otherwise answer a retry of the old id with the position it never kept.
   */
  public void requeue(long seq, byte[] newChangeId) throws SQLException {
    try (PreparedStatement unack =
            connection.prepareStatement("DELETE FROM outbox_acks WHERE outbox_seq = ?");
        PreparedStatement update =
            connection.prepareStatement("UPDATE outbox SET change_id = ? WHERE seq = ?")) {
      unack.setLong(1, seq);
      unack.executeUpdate();
      update.setBytes(1, newChangeId);
      update.setLong(2, seq);
      update.executeUpdate();
    }
  }

  public void removeSeqs(List<Long> seqs) throws SQLException {
    try (PreparedStatement unack =
            connection.prepareStatement("DELETE FROM outbox_acks WHERE outbox_seq = ?");
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
      for (long seq : seqs) {
        unack.setLong(1, seq);
        unack.addBatch();
        delete.setLong(1, seq);
        delete.addBatch();
      }
      unack.executeBatch();
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
    List<DroppedPayload> awaiting =
        get(AWAITING_RELEASE).map(SyncRows::droppedPayloads).orElse(List.of());
    return Optional.of(
        new SyncCursor(
            new String(url.get(), StandardCharsets.UTF_8), serverId, seq, head, awaiting));
  }

  public void putCursor(SyncCursor cursor) throws SQLException {
    put(SERVER_URL, cursor.serverUrl().getBytes(StandardCharsets.UTF_8));
    put(SERVER_ID, cursor.serverId().getBytes(StandardCharsets.UTF_8));
    put(CURSOR_SEQ, ByteBuffer.allocate(Long.BYTES).putLong(cursor.seq()).array());
    put(HEAD_HASH, cursor.headHash());
    if (cursor.awaitingRelease().isEmpty()) {
      delete(AWAITING_RELEASE);
    } else {
      put(AWAITING_RELEASE, encode(cursor.awaitingRelease()));
    }
  }

  /** Each dropped payload as seq, droppedBy (8 bytes each, big-endian) and its 16-byte record. */
  private static byte[] encode(List<DroppedPayload> dropped) {
    ByteBuffer out = ByteBuffer.allocate(dropped.size() * (2 * Long.BYTES + 16));
    for (DroppedPayload entry : dropped) {
      out.putLong(entry.seq()).putLong(entry.droppedBy()).put(entry.recordId());
    }
    return out.array();
  }

  private static List<DroppedPayload> droppedPayloads(byte[] encoded) {
    ByteBuffer in = ByteBuffer.wrap(encoded);
    List<DroppedPayload> dropped = new ArrayList<>();
    while (in.remaining() >= 2 * Long.BYTES + 16) {
      long seq = in.getLong();
      long droppedBy = in.getLong();
      byte[] recordId = new byte[16];
      in.get(recordId);
      dropped.add(new DroppedPayload(seq, recordId, droppedBy));
    }
    return dropped;
  }

  /**
   * Forgets the log positions queued rows were written after: they were positions in a log this
   * device no longer follows, so they release nothing in the next one.
   */
  public void forgetWrittenAfter() throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE outbox SET written_after = NULL")) {
      update.executeUpdate();
    }
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
        connection.prepareStatement(
            "INSERT INTO device_keys (device_id, keyset) VALUES (?, ?)"
                + " ON CONFLICT (device_id) DO UPDATE SET keyset = excluded.keyset")) {
      insert.setBytes(1, deviceId);
      insert.setBytes(2, encryptedKeyset);
      insert.executeUpdate();
    }
  }

  /** When this device last finished a sync, in milliseconds since the epoch. */
  public Optional<Long> lastSync() throws SQLException {
    return get("last_sync_ms").map(bytes -> ByteBuffer.wrap(bytes).getLong());
  }

  public void putLastSync(long millis) throws SQLException {
    put("last_sync_ms", ByteBuffer.allocate(Long.BYTES).putLong(millis).array());
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

  private void delete(String name) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM sync_state WHERE name = ?")) {
      delete.setString(1, name);
      delete.executeUpdate();
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
