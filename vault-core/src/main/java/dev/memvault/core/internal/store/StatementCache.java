package dev.memvault.core.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements kept for the life of a connection, for the statements that run once per row
 * in a batch: preparing them anew for every row costs more than the insert itself. They close with
 * their connection. Not thread-safe; the vault serializes access.
 */
public final class StatementCache {
  private final Connection connection;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  public StatementCache(Connection connection) {
    this.connection = connection;
  }

  /** The statement for {@code sql}, prepared on first use; parameters from a last use cleared. */
  public PreparedStatement get(String sql) throws SQLException {
    PreparedStatement statement = prepared.get(sql);
    if (statement == null || statement.isClosed()) {
      statement = connection.prepareStatement(sql);
      prepared.put(sql, statement);
    }
    statement.clearParameters();
    return statement;
  }
}
