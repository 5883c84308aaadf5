package dev.memvault.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL store's schema, versioned in a {@code schema_migrations} table. Each step runs in
 * one transaction with its row there. Server processes that start together take turns through a
 * session advisory lock, so each step runs once. Steps are only ever appended. The tables match
 * {@link EmbeddedSchema}'s.
 */
final class PostgresSchema {
  /** The advisory lock key around migrations: "memvault" in ASCII. */
  static final long MIGRATION_LOCK = 0x6d656d7661756c74L;

  private static final List<String[]> STEPS =
      List.<String[]>of(
          new String[] {
            // head_* and stored_bytes are kept by every append, in its transaction, which locks
            // this row FOR UPDATE first: appends to one vault take turns across processes.
            // head_changed_at lets a listener that lost its connection find what it missed.
            "CREATE TABLE vaults ("
                + " vault_id bytea PRIMARY KEY,"
                + " created_at_ms bigint NOT NULL,"
                + " head_seq bigint NOT NULL,"
                + " head_hash bytea NOT NULL,"
                + " stored_bytes bigint NOT NULL,"
                + " head_changed_at timestamptz NOT NULL DEFAULT clock_timestamp())",
            "CREATE INDEX vaults_by_head_changed_at ON vaults (head_changed_at)",
            // position keeps registration order.
            "CREATE TABLE devices ("
                + " position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                + " vault_id bytea NOT NULL REFERENCES vaults (vault_id),"
                + " device_id bytea NOT NULL,"
                + " signing_public_keyset bytea NOT NULL,"
                + " registered_at_ms bigint NOT NULL,"
                + " revoked_at_ms bigint NOT NULL,"
                + " UNIQUE (vault_id, device_id))",
            "CREATE TABLE log_entries ("
                + " vault_id bytea NOT NULL REFERENCES vaults (vault_id),"
                + " seq bigint NOT NULL,"
                + " prev_hash bytea NOT NULL,"
                + " entry_hash bytea NOT NULL,"
                + " change_id bytea NOT NULL,"
                + " device_id bytea NOT NULL,"
                + " record_id bytea NOT NULL,"
                + " payload bytea NOT NULL,"
                + " signature bytea NOT NULL,"
                + " accepted_at_ms bigint NOT NULL,"
                + " PRIMARY KEY (vault_id, seq))",
            // Idempotency: a change id is stored once per vault, whatever the code above does.
            "CREATE UNIQUE INDEX log_entries_by_change_id ON log_entries (vault_id, change_id)",
          },
          new String[] {
            // The device chain, link by link, as the devices signed them (proto/README.md).
            "CREATE TABLE device_links ("
                + " vault_id bytea NOT NULL REFERENCES vaults (vault_id),"
                + " seq bigint NOT NULL,"
                + " link bytea NOT NULL,"
                + " PRIMARY KEY (vault_id, seq))",
            // For join --recovery: found by the public key the recovery key derives.
            "CREATE TABLE recoveries ("
                + " recovery_public_key bytea PRIMARY KEY,"
                + " vault_id bytea NOT NULL UNIQUE REFERENCES vaults (vault_id),"
                + " root_key_by_recovery bytea NOT NULL)",
            // Pairing slots of device linking; expired ones are deleted when new ones open.
            "CREATE TABLE pairings ("
                + " pairing_id bytea PRIMARY KEY,"
                + " vault_id bytea NOT NULL REFERENCES vaults (vault_id),"
                + " expires_at_ms bigint NOT NULL,"
                + " join_request bytea,"
                + " sealed_key_package bytea)",
          },
          new String[] {
            // A change's place in the batch its device signed (a serialized BatchProof); NULL for
            // changes signed one by one, as clients before batch signatures pushed them.
            "ALTER TABLE log_entries ADD COLUMN batch_proof bytea",
          },
          new String[] {
            // The device that opened a pairing slot, whose open slots are capped; NULL for slots
            // opened before (they expire within minutes).
            "ALTER TABLE pairings ADD COLUMN device_id bytea",
            "CREATE INDEX pairings_by_device ON pairings (vault_id, device_id)",
          },
          new String[] {
            // The identity every server on this store names in its challenges, kept from the
            // first start: devices pin it, so replicas and restarts on other addresses agree.
            "CREATE TABLE server_identity ("
                + " id integer PRIMARY KEY CHECK (id = 1), server_id text NOT NULL)",
          },
          new String[] {
            // What the server saw of each grant's provider: its own account, shown to the
            // vault's devices (a grant itself lives in the device chain).
            "CREATE TABLE grant_reads ("
                + " vault_id bytea NOT NULL REFERENCES vaults (vault_id),"
                + " grant_id bytea NOT NULL,"
                + " last_read_ms bigint NOT NULL,"
                + " records_served bigint NOT NULL,"
                + " reads bigint NOT NULL,"
                + " PRIMARY KEY (vault_id, grant_id))",
          },
          new String[] {
            // Changes in the committed-payload form (sync-server/LOG_FORMAT.md): the hash their
            // signature and entry hash cover, the log position up to which they supersede earlier
            // entries about their record, and, once a later change released an entry, that
            // change's seq (the payload then empty). NULL and 0 for older changes.
            "ALTER TABLE log_entries ADD COLUMN payload_hash bytea",
            "ALTER TABLE log_entries ADD COLUMN supersedes_through bigint NOT NULL DEFAULT 0",
            "ALTER TABLE log_entries ADD COLUMN payload_dropped_by bigint NOT NULL DEFAULT 0",
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
                + " id integer PRIMARY KEY CHECK (id = 1), check_value bytea NOT NULL)",
          });

  private PostgresSchema() {}

  static int latestVersion() {
    return STEPS.size();
  }

  /**
   * Brings the schema up to date, waiting for any other process that is doing the same.
   *
   * @throws SQLException if the database is newer than this code understands
   */
  static SchemaMigration migrate(Connection connection) throws SQLException {
    SchemaMigration migration;
    connection.setAutoCommit(true);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
      try {
        statement.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
                + " version integer PRIMARY KEY,"
                + " applied_at timestamptz NOT NULL DEFAULT now())");
        int version = currentVersion(connection);
        migration = new SchemaMigration(version, latestVersion());
        if (version > latestVersion()) {
          throw new SQLException(
              "the sync database has schema version "
                  + version
                  + ", newer than this server understands ("
                  + latestVersion()
                  + "); run a newer memvault server");
        }
        for (int step = version; step < STEPS.size(); step++) {
          connection.setAutoCommit(false);
          try {
            for (String sql : STEPS.get(step)) {
              statement.execute(sql);
            }
            try (PreparedStatement record =
                connection.prepareStatement("INSERT INTO schema_migrations (version) VALUES (?)")) {
              record.setInt(1, step + 1);
              record.executeUpdate();
            }
            connection.commit();
          } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
          } finally {
            connection.setAutoCommit(true);
          }
        }
      } finally {
        statement.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
      }
    }
    return migration;
  }

  static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT coalesce(max(version), 0) FROM schema_migrations")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
