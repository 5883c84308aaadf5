package dev.memvault.core.internal.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Versioned schema migrations, tracked in SQLite's {@code user_version}. Each step runs in one
 * transaction with the version bump, so a crash leaves the schema at one version or the next. Steps
 * are only ever appended.
 */
public final class Migrations {
  /**
   * How search ranks: bm25 with a word as written (the text and tags columns) weighing twice a word
   * found by one of its forms (the forms column).
   */
  private static final String RANK_WEIGHTS = "2.0, 2.0, 1.0";

  /** The rank as a query names it; memory_fts's rank option holds the same. */
  static final String SEARCH_RANK = "bm25(memory_fts, " + RANK_WEIGHTS + ")";

  private static final List<String[]> STEPS =
      List.<String[]>of(
          new String[] {
            "CREATE TABLE vault_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
            "CREATE TABLE scopes ("
                + " scope_id BLOB PRIMARY KEY,"
                + " name TEXT NOT NULL UNIQUE,"
                + " keyset BLOB NOT NULL,"
                + " created_at INTEGER NOT NULL)",
            // seq is the rowid shared with memory_fts; id is the memory's UUIDv7.
            "CREATE TABLE memories ("
                + " seq INTEGER PRIMARY KEY,"
                + " id TEXT NOT NULL UNIQUE,"
                + " scope_id BLOB NOT NULL REFERENCES scopes(scope_id),"
                + " kind INTEGER NOT NULL,"
                + " conversation_id TEXT,"
                + " created_at INTEGER NOT NULL,"
                + " updated_at INTEGER NOT NULL,"
                + " revision INTEGER NOT NULL,"
                + " deleted INTEGER NOT NULL DEFAULT 0,"
                + " envelope BLOB NOT NULL)",
            "CREATE INDEX memories_by_scope ON memories (scope_id, deleted, updated_at)",
            "CREATE INDEX memories_by_conversation ON memories (conversation_id)"
                + " WHERE conversation_id IS NOT NULL",
            // Earlier revisions of live memories; the current one is in memories.envelope.
            "CREATE TABLE memory_revisions ("
                + " id TEXT NOT NULL,"
                + " revision INTEGER NOT NULL,"
                + " envelope BLOB NOT NULL,"
                + " PRIMARY KEY (id, revision)) WITHOUT ROWID",
            "CREATE TABLE memory_tags ("
                + " tag TEXT NOT NULL,"
                + " seq INTEGER NOT NULL,"
                + " PRIMARY KEY (tag, seq)) WITHOUT ROWID",
            // remove_diacritics 2 folds accents ("café" matches "cafe") for all Latin scripts.
            "CREATE VIRTUAL TABLE memory_fts USING fts5("
                + " text, tags, tokenize = 'unicode61 remove_diacritics 2')",
          },
          new String[] {
            // Provider ids of imported items ("chatgpt" + conversation id), so that importing
            // the same export again finds what is already there. Kept on tombstones: a
            // forgotten conversation is not brought back by a re-import.
            "ALTER TABLE memories ADD COLUMN source_key TEXT",
            "CREATE INDEX memories_by_source ON memories (source_key)"
                + " WHERE source_key IS NOT NULL",
          },
          new String[] {
            // Sync (docs/FORMAT.md, section 14). Local writes waiting to be pushed, appended in
            // the write's own transaction; a row leaves only once the server acknowledged it.
            "CREATE TABLE outbox ("
                + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " change_id BLOB NOT NULL UNIQUE,"
                + " record_id BLOB NOT NULL,"
                + " payload BLOB NOT NULL)",
            // Server URL, pinned server id, cursor, verified head, and the hybrid clock.
            "CREATE TABLE sync_state (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
            // This device's Ed25519 signing keyset, encrypted under the root key.
            "CREATE TABLE device_keys (device_id BLOB PRIMARY KEY, keyset BLOB NOT NULL)",
            // Merge state kept out of the memories and scopes tables, so that backups (which copy
            // those tables column by column) stay as they are; a restored device starts afresh.
            // The greatest hlc of any tombstone seen per memory: history at or below it is
            // purged and never stored again (docs/FORMAT.md, section 14.2).
            "CREATE TABLE memory_purges (id TEXT PRIMARY KEY, purge_hlc INTEGER NOT NULL)",
            // The hlc of the ScopeRecord whose primary key each scope's keyset uses.
            "CREATE TABLE scope_clocks (scope_id BLOB PRIMARY KEY, hlc INTEGER NOT NULL)",
          },
          new String[] {
            // The outbox refers to what it will push instead of holding a third copy of every
            // envelope: a revision by (memory_id, revision) and a hash of its envelope, a scope by
            // its id (its current name and keyset are sealed at push time). Rows written before
            // keep their payload; new rows leave it empty.
            "ALTER TABLE outbox ADD COLUMN memory_id TEXT",
            "ALTER TABLE outbox ADD COLUMN revision INTEGER",
            "ALTER TABLE outbox ADD COLUMN envelope_hash BLOB",
          },
          new String[] {
            // A contentless search index: FTS5 keeps its word lists but no copy of the text,
            // which the memories table already holds encrypted. Adds write about half as much;
            // snippets are cut from the decrypted hits (Snippet). The index is filled again from
            // the envelopes, which needs the vault's keys: the marker asks Vault.open to do it.
            "DROP TABLE memory_fts",
            "CREATE VIRTUAL TABLE memory_fts USING fts5("
                + " text, tags, content = '', tokenize = 'unicode61 remove_diacritics 2')",
            "INSERT OR REPLACE INTO vault_meta (name, value) VALUES ('"
                + MetaRows.SEARCH_INDEX_STALE
                + "', X'01')",
          },
          new String[] {
            // Messages (kind 6) leave two indexes. Their provider ids are random and their times
            // come in export order, so each imported message landed at a random place in both,
            // and every commit rewrote (and re-encrypted) pages all over them. Messages are listed
            // through their conversation, and found by provider id within it
            // (MemoryRows.findMessageBySource, on memories_by_conversation).
            "DROP INDEX memories_by_source",
            "CREATE INDEX memories_by_source ON memories (source_key)"
                + " WHERE source_key IS NOT NULL AND kind != 6",
            "DROP INDEX memories_by_scope",
            "CREATE INDEX memories_by_scope ON memories (scope_id, deleted, updated_at)"
                + " WHERE kind != 6",
          },
          new String[] {
            // The log position the server acknowledged for a pushed outbox row. The row stays
            // until this device's pull has seen the change at that position, so that a server
            // which acknowledges a change and then withholds it is caught by its writer.
            "CREATE TABLE IF NOT EXISTS outbox_acks ("
                + " outbox_seq INTEGER PRIMARY KEY, acked_seq INTEGER NOT NULL)",
            // The entry hash of every log position this device verified, so that another
            // device's checkpoint naming a position can be checked against this device's view.
            "CREATE TABLE IF NOT EXISTS log_hashes (seq INTEGER PRIMARY KEY, entry_hash BLOB NOT NULL)",
            // The latest checkpoint seen of each device (docs/FORMAT.md, section 14.4).
            "CREATE TABLE IF NOT EXISTS device_checkpoints ("
                + " device_id BLOB PRIMARY KEY,"
                + " log_seq INTEGER NOT NULL,"
                + " made_at_ms INTEGER NOT NULL,"
                + " at_seq INTEGER NOT NULL)",
          },
          new String[] {
            // Every epoch key of the vault root key this device holds, wrapped by its local
            // root key (docs/FORMAT.md, "Key epochs"); epoch 0 is the vault's original root key.
            "CREATE TABLE IF NOT EXISTS epoch_keys ("
                + " epoch INTEGER PRIMARY KEY, wrapped_key BLOB NOT NULL)",
          },
          new String[] {
            // Search by analyzed words (internal.search.DocumentTerms, made in Java with Lucene's
            // analyzers): text and tags hold words as written, folded; forms holds their stems
            // and single CJK characters. Still contentless. The rank weighs a word as written
            // above a word found by one of its forms. The vocabulary view serves spelling
            // suggestions. The index is filled again from the envelopes when the vault opens.
            "DROP TABLE memory_fts",
            "CREATE VIRTUAL TABLE memory_fts USING fts5("
                + " text, tags, forms, content = '', tokenize = 'unicode61 remove_diacritics 2')",
            "INSERT INTO memory_fts (memory_fts, rank) VALUES ('rank', 'bm25("
                + RANK_WEIGHTS
                + ")')",
            "CREATE VIRTUAL TABLE IF NOT EXISTS memory_vocab USING fts5vocab(memory_fts, 'col')",
            "INSERT OR REPLACE INTO vault_meta (name, value) VALUES ('"
                + MetaRows.SEARCH_INDEX_STALE
                + "', X'01')",
          },
          new String[] {
            // Search by meaning: one embedding per live memory and model (VectorRows), made on
            // this device from the decrypted text and never synced. A memory's vector is deleted
            // whenever its current revision changes (MemoryRows.setCurrent), so a stored vector
            // always describes the current text of a live memory.
            "CREATE TABLE IF NOT EXISTS memory_vectors ("
                + " seq INTEGER PRIMARY KEY,"
                + " model TEXT NOT NULL,"
                + " vector BLOB NOT NULL)",
          },
          new String[] {
            // A message's search text also holds what its other parts say (code, thinking,
            // tool results, attachments' text: MemoryRules.searchText). The index is filled
            // again from the envelopes when the vault opens.
            "INSERT OR REPLACE INTO vault_meta (name, value) VALUES ('"
                + MetaRows.SEARCH_INDEX_STALE
                + "', X'01')",
          },
          new String[] {
            // The log position (the cursor's seq, 8 bytes big-endian) this device had applied
            // when it wrote a queued revision: the revision supersedes every entry about its
            // memory up to there, so the server may drop their payloads (docs/FORMAT.md 14.5).
            // NULL for rows written before, which release nothing.
            "ALTER TABLE outbox ADD COLUMN written_after BLOB",
          },
          new String[] {
            // A scope renamed or deleted (docs/FORMAT.md 14.2): the name it was created with,
            // which its memories carry and its id derives from, and its naming (the name it
            // claims now, whether it was deleted, the clock of that change). scopes.name is the
            // name it is shown under. No row: never renamed nor deleted.
            "CREATE TABLE IF NOT EXISTS scope_names ("
                + " scope_id BLOB PRIMARY KEY,"
                + " created_name TEXT NOT NULL,"
                + " name TEXT NOT NULL,"
                + " deleted INTEGER NOT NULL,"
                + " name_hlc INTEGER NOT NULL)",
          },
          new String[] {
            // The device chain this device verified, link by link (a serialized
            // SignedDeviceLink per seq), so that it can upload the whole chain when it starts the
            // vault's log over on a server (README, "When the server lied").
            "CREATE TABLE IF NOT EXISTS chain_links (seq INTEGER PRIMARY KEY, link BLOB NOT NULL)",
            // While this device follows a log another device started over: the memories no
            // change of the new log has named yet. What is left once the device has read the new
            // log to its head, the other device never had; this device publishes it again.
            "CREATE TABLE IF NOT EXISTS memories_unheard (id TEXT PRIMARY KEY) WITHOUT ROWID",
          });

  private Migrations() {}

  /** The schema version this code writes. */
  public static int latestVersion() {
    return STEPS.size();
  }

  /**
   * Brings the schema up to date.
   *
   * @throws SQLException if the database is newer than this code understands
   */
  public static void migrate(Connection connection) throws SQLException {
    int version = currentVersion(connection);
    if (version > latestVersion()) {
      throw new SQLException(
          "vault schema version "
              + version
              + " is newer than this memvault ("
              + latestVersion()
              + ")");
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      for (int step = version; step < STEPS.size(); step++) {
        try (Statement statement = connection.createStatement()) {
          for (String sql : STEPS.get(step)) {
            if (!addsColumnThatExists(connection, sql)) {
              statement.execute(sql);
            }
          }
          statement.execute("PRAGMA user_version = " + (step + 1));
        }
        connection.commit();
      }
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static final Pattern ADD_COLUMN =
      Pattern.compile("ALTER TABLE (\\w+) ADD COLUMN (\\w+) .*");

  /**
   * Whether {@code sql} adds a column the table already has: skipped, so that a step adding a
   * column can run again like the {@code CREATE ... IF NOT EXISTS} steps (SQLite has no {@code ADD
   * COLUMN IF NOT EXISTS}).
   */
  private static boolean addsColumnThatExists(Connection connection, String sql)
      throws SQLException {
    Matcher match = ADD_COLUMN.matcher(sql);
    if (!match.matches()) {
      return false;
    }
    try (Statement pragma = connection.createStatement();
        ResultSet columns = pragma.executeQuery("PRAGMA table_info(" + match.group(1) + ")")) {
      while (columns.next()) {
        if (columns.getString("name").equals(match.group(2))) {
          return true;
        }
      }
    }
    return false;
  }

  public static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
      return rows.next() ? rows.getInt(1) : 0;
    }
  }
}
