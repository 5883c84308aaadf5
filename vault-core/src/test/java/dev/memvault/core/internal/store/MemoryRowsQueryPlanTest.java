package dev.memvault.core.internal.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.util.SecretBytes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages are left out of the scope and source indexes (partial indexes, Migrations step 6).
 * SQLite uses a partial index only when the query's WHERE implies the index's, so the queries that
 * rely on them are checked here against SQLite's own plan: a full scan of the memories table would
 * still give right answers, only slowly, and no other test would notice.
 */
class MemoryRowsQueryPlanTest {
  @TempDir Path dir;

  @Test
  void lookupsByProviderId_useAnIndex() throws Exception {
    try (Connection db = migrated()) {
      assertUses(db, MemoryRows.FIND_BY_SOURCE, "memories_by_source");
      assertUses(db, MemoryRows.FIND_MESSAGE_BY_SOURCE, "memories_by_conversation");
    }
  }

  @Test
  void listingsOfAScope_useTheScopeIndex() throws Exception {
    byte[] scope = new byte[16];
    try (Connection db = migrated()) {
      assertUses(
          db, MemoryRows.listSql(MemoryFilter.all().withScopeId(scope)), "memories_by_scope");
      assertUses(
          db,
          MemoryRows.listSql(MemoryFilter.all().withScopeId(scope).withKind(3)),
          "memories_by_scope");
    }
  }

  private Connection migrated() throws SQLException {
    Connection db =
        SqlCipherDatabase.open(
            dir.resolve("plan.db"), SecretBytes.randomBytes(SqlCipherDatabase.KEY_BYTES));
    Migrations.migrate(db);
    return db;
  }

  private static void assertUses(Connection db, String sql, String index) throws SQLException {
    List<String> plan = new ArrayList<>();
    try (PreparedStatement explain = db.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      int parameters = explain.getParameterMetaData().getParameterCount();
      for (int i = 1; i <= parameters; i++) {
        explain.setNull(i, java.sql.Types.NULL);
      }
      try (ResultSet rows = explain.executeQuery()) {
        while (rows.next()) {
          plan.add(rows.getString("detail"));
        }
      }
    }
    assertTrue(
        plan.stream()
            .anyMatch(
                step ->
                    step.contains("USING INDEX " + index)
                        || step.contains("USING COVERING INDEX " + index)),
        "expected " + index + " in the plan of " + sql + ": " + plan);
  }
}
