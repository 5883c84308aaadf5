package dev.memvault.core.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads and writes vault_meta: named values that tie the database to its vault header. */
public final class MetaRows {
  /**
   * Present while the search index does not match the memories (after the migration to a
   * contentless index, or a restore): the vault fills it again from the envelopes when it opens.
   */
  public static final String SEARCH_INDEX_STALE = "search_index_stale";

  private final Connection connection;

  public MetaRows(Connection connection) {
    this.connection = connection;
  }

  /** The value stored under a name, or null. */
  public byte[] get(String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT value FROM vault_meta WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getBytes(1) : null;
      }
    }
  }

  public void put(String name, byte[] value) throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO vault_meta (name, value) VALUES (?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
      upsert.setString(1, name);
      upsert.setBytes(2, value);
      upsert.executeUpdate();
    }
  }

  public void delete(String name) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM vault_meta WHERE name = ?")) {
      delete.setString(1, name);
      delete.executeUpdate();
    }
  }
}
