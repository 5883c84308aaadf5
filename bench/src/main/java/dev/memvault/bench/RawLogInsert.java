package dev.memvault.bench;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.protocol.CommittedPayloads;
import dev.memvault.protocol.LogChain;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The push baseline: the rows the server stores for a device's pushes (same vault, device, change
 * and record ids, payloads, signatures, seqs and hashes), written into the server's own tables with
 * plain JDBC, every column the server writes: one prepared INSERT, {@code addBatch} per row and one
 * transaction per push, on one connection. No gRPC, no signature checks, no idempotency lookups, no
 * head row: what the store itself costs. The tables are made by the real server (its migrations),
 * in a database of their own, so the baseline never contends with the server being measured.
 */
final class RawLogInsert implements AutoCloseable {
  private static final String INSERT =
      "INSERT INTO log_entries (vault_id, seq, prev_hash, entry_hash, change_id, device_id,"
          + " record_id, payload, signature, accepted_at_ms, batch_proof, payload_hash,"
          + " supersedes_through, payload_dropped_by)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)";

  /** One device's rows, chained from the genesis hash as the server chains them. */
  record DeviceRows(byte[] vaultId, List<List<LogEntry>> transactions) {}

  private final Connection connection;

  private RawLogInsert(Connection connection) {
    this.connection = connection;
  }

  /**
   * The embedded store's sync.db through the server's driver (vault-core's, without a key), with
   * the server's settings: WAL, synchronous=FULL, FKs.
   */
  static RawLogInsert sqlite(Path database) throws SQLException {
    Connection connection = PlainFtsStore.vaultCoreDriverWithoutKey().connect(database);
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA journal_mode = WAL");
      statement.execute("PRAGMA synchronous = FULL");
      statement.execute("PRAGMA foreign_keys = ON");
    }
    return new RawLogInsert(connection);
  }

  static RawLogInsert postgres(String jdbcUrl) throws SQLException {
    return new RawLogInsert(PostgresInstance.connect(jdbcUrl));
  }

  /** The rows the server would store for {@code device}'s pushes. Not timed. */
  static DeviceRows rows(BenchDevice device, long acceptedAtMillis) {
    byte[] vaultId = device.replica().vaultIdBytes();
    List<List<LogEntry>> transactions = new ArrayList<>();
    long seq = 0;
    byte[] prevHash = LogChain.genesisHash();
    for (PushRequest push : device.pushes()) {
      List<LogEntry> entries = new ArrayList<>();
      for (Change change : push.getChangesList()) {
        seq++;
        byte[] entryHash = LogChain.entryHash(vaultId, seq, prevHash, change);
        entries.add(
            LogEntry.newBuilder()
                .setSeq(seq)
                .setPrevHash(ByteString.copyFrom(prevHash))
                .setEntryHash(ByteString.copyFrom(entryHash))
                .setChange(change)
                .setAcceptedAtMs(acceptedAtMillis)
                .build());
        prevHash = entryHash;
      }
      transactions.add(entries);
    }
    return new DeviceRows(vaultId, transactions);
  }

  /** The vault row the log entries refer to (a foreign key). Not timed. */
  void addVault(byte[] vaultId) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO vaults (vault_id, created_at_ms, head_seq, head_hash, stored_bytes)"
                + " VALUES (?, ?, 0, ?, 0)")) {
      insert.setBytes(1, vaultId);
      insert.setLong(2, System.currentTimeMillis());
      insert.setBytes(3, LogChain.genesisHash());
      insert.executeUpdate();
    }
  }

  /** Inserts the rows, one transaction per push; returns how many. */
  long insert(DeviceRows rows) throws SQLException {
    long count = 0;
    connection.setAutoCommit(false);
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (List<LogEntry> transaction : rows.transactions()) {
        for (LogEntry entry : transaction) {
          Change change = entry.getChange();
          insert.setBytes(1, rows.vaultId());
          insert.setLong(2, entry.getSeq());
          insert.setBytes(3, entry.getPrevHash().toByteArray());
          insert.setBytes(4, entry.getEntryHash().toByteArray());
          insert.setBytes(5, change.getChangeId().toByteArray());
          insert.setBytes(6, change.getDeviceId().toByteArray());
          insert.setBytes(7, change.getRecordId().toByteArray());
          insert.setBytes(8, change.getPayload().toByteArray());
          insert.setBytes(9, change.getSignature().toByteArray());
          insert.setLong(10, entry.getAcceptedAtMs());
          insert.setBytes(11, change.getBatch().toByteArray());
          // Every column the server writes, so that the row enters the same indexes (a committed
          // payload's row is in the partial index of payloads a later change may drop).
          insert.setBytes(
              12,
              CommittedPayloads.isCommitted(change) ? change.getPayloadHash().toByteArray() : null);
          insert.setLong(13, change.getSupersedesThrough());
          insert.addBatch();
          count++;
        }
        insert.executeBatch();
        connection.commit();
      }
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
    return count;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
