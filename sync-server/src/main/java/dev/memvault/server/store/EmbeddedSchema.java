package dev.memvault.server.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The embedded store's schema, versioned in SQLite's {@code user_version}. Each step runs in one
 * transaction with the version bump, so a crash leaves the schema at one version or the next. Steps
 * are only ever appended. The tables match {@link PostgresSchema}'s.
 */
final class EmbeddedSchema {
  private static final List<String[]> STEPS =
      List.<String[]>of(
          new String[] {
            // head_* and stored_bytes are kept by every append, in its transaction, so that an
            // append reads one row, not the log, to chain and to check the quota.
            "CREATE TABLE vaults ("
                + " vault_id BLOB PRIMARY KEY,"
                + " created_at_ms INTEGER NOT NULL,"
                + " head_seq INTEGER NOT NULL,"
                + " head_hash BLOB NOT NULL,"
                + " stored_bytes INTEGER NOT NULL)",
            // position keeps registration order.
            "CREATE TABLE devices ("
                + " position INTEGER PRIMARY KEY,"
                + " vault_id BLOB NOT NULL REFERENCES vaults (vault_id),"
                + " device_id BLOB NOT NULL,"
                + " signing_public_keyset BLOB NOT NULL,"
                + " registered_at_ms INTEGER NOT NULL,"
                + " revoked_at_ms INTEGER NOT NULL,"
                + " UNIQUE (vault_id, device_id))",
            "CREATE TABLE log_entries ("
                + " vault_id BLOB NOT NULL REFERENCES vaults (vault_id),"
                + " seq INTEGER NOT NULL,"
                + " prev_hash BLOB NOT NULL,"
                + " entry_hash BLOB NOT NULL,"
                + " change_id BLOB NOT NULL,"
                + " device_id BLOB NOT NULL,"
                + " record_id BLOB NOT NULL,"
                + " payload BLOB NOT NULL,"
                + " signature BLOB NOT NULL,"
                + " accepted_at_ms INTEGER NOT NULL,"
                + " PRIMARY KEY (vault_id, seq))",
            // Idempotency: a change id is stored once per vault, whatever the code above does.
            "CREATE UNIQUE INDEX log_entries_by_change_id ON log_entries (vault_id, change_id)",
          },
          new String[] {
            // The device chain, link by link, as the devices signed them (proto/README.md).
            "CREATE TABLE device_links ("
                + " vault_id BLOB NOT NULL REFERENCES vaults (vault_id),"
                + " seq INTEGER NOT NULL,"
                + " link BLOB NOT NULL,"
                + " PRIMARY KEY (vault_id, seq))",
            // For join --recovery: found by the public key the recovery key derives.
            "CREATE TABLE recoveries ("
                + " recovery_public_key BLOB PRIMARY KEY,"
                + " vault_id BLOB NOT NULL UNIQUE REFERENCES vaults (vault_id),"
                + " root_key_by_recovery BLOB NOT NULL)",
            // Pairing slots of device linking; expired ones are deleted when new ones open.
            "CREATE TABLE pairings ("
                + " pairing_id BLOB PRIMARY KEY,"
                + " vault_id BLOB NOT NULL REFERENCES vaults (vault_id),"
                + " expires_at_ms INTEGER NOT NULL,"
                + " join_request BLOB,"
                + " sealed_key_package BLOB)",
          },
          new String[] {
            // A change's place in the batch its device signed (a serialized BatchProof); NULL for
            // changes signed one by one, as clients before batch signatures pushed them.
            "ALTER TABLE log_entries ADD COLUMN batch_proof BLOB",
          },
          new String[] {
            // The device that opened a pairing slot, whose open slots are capped; NULL for slots
            // opened before (they expire within minutes).
            "ALTER TABLE pairings ADD COLUMN device_id BLOB",
            "CREATE INDEX pairings_by_device ON pairings (vault_id, device_id)",
          },
          new String[] {
            // The identity every server on this store names in its challenges, kept from the
            // first start: devices pin it, so replicas and restarts on other addresses agree.
            "CREATE TABLE server_identity ("
                + " id INTEGER PRIMARY KEY CHECK (id = 1), server_id TEXT NOT NULL)",
          },
          new String[] {
            // What the server saw of each grant's provider: its own account, shown to the
            // vault's devices (a grant itself lives in the device chain).
            "CREATE TABLE grant_reads ("
                + " vault_id BLOB NOT NULL REFERENCES vaults (vault_id),"
                + " grant_id BLOB NOT NULL,"
                + " last_read_ms INTEGER NOT NULL,"
                + " records_served INTEGER NOT NULL,"
                + " reads INTEGER NOT NULL,"
                + " PRIMARY KEY (vault_id, grant_id))",
          },
          new String[] {
            // Changes in the committed-payload form (sync-server/LOG_FORMAT.md): the hash their
            // signature and entry hash cover, the log position up to which they supersede earlier
            // entries about their record, and, once a later change released an entry, that
            // change's seq (the payload then empty). NULL and 0 for older changes.
            "ALTER TABLE log_entries ADD COLUMN payload_hash BLOB",
            "ALTER TABLE log_entries ADD COLUMN supersedes_through INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE log_entries ADD COLUMN payload_dropped_by INTEGER NOT NULL DEFAULT 0",
            // Finds what a change releases without reading the vault's whole log; an entry
            // leaves it once dropped.
            "CREATE INDEX log_entries_droppable ON log_entries (vault_id, record_id, seq)"
                + " WHERE payload_hash IS NOT NULL AND payload_dropped_by = 0",
          },
          new String[] {
            // A keyed check value of the server secret (ServerSecret.check), kept from the first
            // start that ran with this step: a replica started with another secret is refused
            // instead of refusing the sessions its peers issued. Not the secret itself.
            "CREATE TABLE server_secret_check ("
                + " id INTEGER PRIMARY KEY CHECK (id = 1), check_value BLOB NOT NULL)",
          });

  private EmbeddedSchema() {}

  static int latestVersion() {
    return STEPS.size();
  }

  /**
   * Brings the schema up to date. The caller holds the data directory's lock.
   *
   * @throws SQLException if the database is newer than this code understands
   */
  static SchemaMigration migrate(Connection connection) throws SQLException {
    int version = currentVersion(connection);
    if (version > latestVersion()) {
      throw new SQLException(
          "the sync database has schema version "
              + version
              + ", newer than this server understands ("
              + latestVersion()
              + "); run a newer memvault server");
    }
    try (Statement statement = connection.createStatement()) {
      for (int step = version; step < STEPS.size(); step++) {
        statement.execute("BEGIN IMMEDIATE");
        try {
          for (String sql : STEPS.get(step)) {
            statement.execute(sql);
          }
          statement.execute("PRAGMA user_version = " + (step + 1));
          statement.execute("COMMIT");
        } catch (SQLException e) {
          statement.execute("ROLLBACK");
          throw e;
        }
      }
    }
    return new SchemaMigration(version, latestVersion());
  }

  static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
      return rows.next() ? rows.getInt(1) : 0;
    }
  }
}
