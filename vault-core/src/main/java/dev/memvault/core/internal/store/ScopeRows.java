package dev.memvault.core.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes the scopes table: scope ids, names and encrypted keysets. */
public final class ScopeRows {
  private final Connection connection;

  public ScopeRows(Connection connection) {
    this.connection = connection;
  }

  /** One scope as stored; the keyset is encrypted under the vault root key. */
  public record StoredScope(
      byte[] scopeId, String name, byte[] encryptedKeyset, long createdAtMillis) {}

  public List<StoredScope> all() throws SQLException {
    List<StoredScope> scopes = new ArrayList<>();
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT scope_id, name, keyset, created_at FROM scopes ORDER BY name");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        scopes.add(
            new StoredScope(
                rows.getBytes(1), rows.getString(2), rows.getBytes(3), rows.getLong(4)));
      }
    }
    return scopes;
  }

  public void insert(StoredScope scope) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO scopes (scope_id, name, keyset, created_at) VALUES (?, ?, ?, ?)")) {
      insert.setBytes(1, scope.scopeId());
      insert.setString(2, scope.name());
      insert.setBytes(3, scope.encryptedKeyset());
      insert.setLong(4, scope.createdAtMillis());
      insert.executeUpdate();
    }
  }

  public void updateKeyset(byte[] scopeId, byte[] encryptedKeyset) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE scopes SET keyset = ? WHERE scope_id = ?")) {
      update.setBytes(1, encryptedKeyset);
      update.setBytes(2, scopeId);
      update.executeUpdate();
    }
  }
}
