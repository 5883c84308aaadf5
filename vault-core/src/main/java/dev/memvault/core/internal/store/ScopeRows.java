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

  /**
   * A renamed or deleted scope's names: {@code createdName} (its memories carry it, its id derives
   * from it) and the naming it claims now; {@code nameHlc} orders concurrent renames.
   */
  public record StoredNaming(
      byte[] scopeId, String createdName, String name, boolean deleted, long nameHlc) {}

  /** The namings of every renamed or deleted scope. */
  public List<StoredNaming> namings() throws SQLException {
    List<StoredNaming> namings = new ArrayList<>();
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT scope_id, created_name, name, deleted, name_hlc FROM scope_names");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        namings.add(
            new StoredNaming(
                rows.getBytes(1),
                rows.getString(2),
                rows.getString(3),
                rows.getInt(4) != 0,
                rows.getLong(5)));
      }
    }
    return namings;
  }

  public void putNaming(StoredNaming naming) throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT OR REPLACE INTO scope_names (scope_id, created_name, name, deleted, name_hlc)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      upsert.setBytes(1, naming.scopeId());
      upsert.setString(2, naming.createdName());
      upsert.setString(3, naming.name());
      upsert.setInt(4, naming.deleted() ? 1 : 0);
      upsert.setLong(5, naming.nameHlc());
      upsert.executeUpdate();
    }
  }

  /** Sets the name a scope is shown under (unique among scopes). */
  public void updateName(byte[] scopeId, String name) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE scopes SET name = ? WHERE scope_id = ?")) {
      update.setString(1, name);
      update.setBytes(2, scopeId);
      update.executeUpdate();
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
