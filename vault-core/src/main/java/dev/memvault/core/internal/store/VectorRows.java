package dev.memvault.core.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The memory_vectors table: one embedding per live memory and model, inside the encrypted database.
 * A vector always describes its memory's current revision: {@link MemoryRows} deletes it when the
 * revision changes, and {@link #put} stores one only for the revision it was made from.
 */
public final class VectorRows {
  /** One stored vector with what a search filters on, as its memory stands now. */
  public record Row(
      long seq, long revision, byte[] scopeId, int kind, long createdAtMillis, byte[] vector) {}

  /** Receives the rows of {@link #forEach}. */
  public interface RowSink {
    void accept(Row row) throws SQLException;
  }

  private final Connection connection;
  private final StatementCache statements;

  public VectorRows(Connection connection) {
    this.connection = connection;
    this.statements = new StatementCache(connection);
  }

  /**
   * Stores the vector made from revision {@code revision} of the memory under {@code seq}, unless
   * that memory has moved on to another revision or was forgotten meanwhile.
   *
   * @return whether it was stored
   */
  public boolean put(long seq, long revision, String model, byte[] vector) throws SQLException {
    PreparedStatement insert =
        statements.get(
            "INSERT OR REPLACE INTO memory_vectors (seq, model, vector)"
                + " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM memories"
                + " WHERE seq = ? AND revision = ? AND deleted = 0)");
    insert.setLong(1, seq);
    insert.setString(2, model);
    insert.setBytes(3, vector);
    insert.setLong(4, seq);
    insert.setLong(5, revision);
    return insert.executeUpdate() == 1;
  }

  /** Whether any live memory holds a vector of {@code model}. */
  public boolean any(String model) throws SQLException {
    PreparedStatement query =
        statements.get("SELECT EXISTS (SELECT 1 FROM memory_vectors WHERE model = ?)");
    query.setString(1, model);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() && rows.getBoolean(1);
    }
  }

  /**
   * Whether a live memory newer than every memory holding a vector exists. Asked at every search,
   * so it reads two b-tree edges, not the table: the largest seq of memory_vectors with no WHERE
   * clause (a condition on the model would make SQLite scan every row). Vectors of one model only
   * are kept once indexing has stored a batch (VectorRows#deleteOtherModels).
   */
  public boolean newerWithoutVector() throws SQLException {
    PreparedStatement query =
        statements.get(
            "SELECT EXISTS (SELECT 1 FROM memories WHERE deleted = 0 AND seq >"
                + " (SELECT coalesce(max(seq), 0) FROM memory_vectors))");
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() && rows.getBoolean(1);
    }
  }

  /** Live memories holding a vector of {@code model}. */
  public long count(String model) throws SQLException {
    PreparedStatement query = statements.get("SELECT count(*) FROM memory_vectors WHERE model = ?");
    query.setString(1, model);
    try (ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Live memories without a vector of {@code model}. */
  public long countWithout(String model) throws SQLException {
    PreparedStatement query =
        statements.get(
            "SELECT count(*) FROM memories m WHERE m.deleted = 0 AND NOT EXISTS"
                + " (SELECT 1 FROM memory_vectors v WHERE v.seq = m.seq AND v.model = ?)");
    query.setString(1, model);
    try (ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Deletes the vectors of every model but {@code model}: they cannot be compared with its own. */
  public int deleteOtherModels(String model) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM memory_vectors WHERE model != ?")) {
      delete.setString(1, model);
      return delete.executeUpdate();
    }
  }

  /** Every vector of {@code model} with its memory's current filter columns, in seq order. */
  public void forEach(String model, RowSink sink) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT v.seq, m.revision, m.scope_id, m.kind, m.created_at, v.vector"
                + " FROM memory_vectors v JOIN memories m ON m.seq = v.seq"
                + " WHERE v.model = ? AND m.deleted = 0 ORDER BY v.seq")) {
      query.setString(1, model);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          sink.accept(
              new Row(
                  rows.getLong(1),
                  rows.getLong(2),
                  rows.getBytes(3),
                  rows.getInt(4),
                  rows.getLong(5),
                  rows.getBytes(6)));
        }
      }
    }
  }
}
