package dev.memvault.core.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes the epoch_keys table: each epoch key wrapped by the local root key. */
public final class EpochKeyRows {
  private final Connection connection;

  public EpochKeyRows(Connection connection) {
    this.connection = connection;
  }

  /** Every stored epoch's wrapped key, oldest epoch first. */
  public Map<Integer, byte[]> all() throws SQLException {
    Map<Integer, byte[]> keys = new LinkedHashMap<>();
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT epoch, wrapped_key FROM epoch_keys ORDER BY epoch");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        keys.put(rows.getInt(1), rows.getBytes(2));
      }
    }
    return keys;
  }

  /** Stores an epoch's key; an epoch stored before keeps its key (an epoch's key never changes). */
  public void insert(int epoch, byte[] wrappedKey) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO epoch_keys (epoch, wrapped_key) VALUES (?, ?)"
                + " ON CONFLICT (epoch) DO NOTHING")) {
      insert.setInt(1, epoch);
      insert.setBytes(2, wrappedKey);
      insert.executeUpdate();
    }
  }

  public void deleteAll() throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM epoch_keys")) {
      delete.executeUpdate();
    }
  }
}
