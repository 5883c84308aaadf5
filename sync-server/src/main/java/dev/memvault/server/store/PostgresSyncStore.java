package dev.memvault.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A {@link SyncStore} in a PostgreSQL database that several server processes may share.
 *
 * <p>Appends to one vault take turns, whichever process makes them: each append transaction first
 * locks the vault's row ({@code SELECT ... FOR UPDATE}) and chains from the head stored there, so
 * seqs stay gapless and hashes chained. A unique index on (vault, change id) backs the idempotency
 * check; a transaction that loses a race on it is retried and then finds the winner's entry. Each
 * append NOTIFYs {@value PostgresNotifications#CHANNEL} in its transaction, so the notice goes out
 * only on commit, to subscribers in every process.
 */
public final class PostgresSyncStore extends JdbcSyncStore {
  private static final int MAX_ATTEMPTS = 3;
  // Retried: serialization failure, deadlock, and unique violation (a concurrent append of the
  // same change id; the retry finds it).
  private static final Set<String> RETRIED_STATES = Set.of("40001", "40P01", "23505");

  static final Duration CONNECTION_WAIT = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final HikariDataSource ownedPool;
  private final PostgresNotifications.ConnectionFactory listenerConnections;
  private final Object notificationsGuard = new Object();
  private final DatabaseOutage outage = new DatabaseOutage();
  private PostgresNotifications notifications;
  private volatile boolean closed;

  private PostgresSyncStore(
      DataSource dataSource,
      HikariDataSource ownedPool,
      PostgresNotifications.ConnectionFactory listenerConnections,
      StoreLimits limits) {
    super(limits);
    this.dataSource = dataSource;
    this.ownedPool = ownedPool;
    this.listenerConnections = listenerConnections;
  }

  /**
   * Connects to the database at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db}) through a
   * pool of its own and brings the schema up to date.
   *
   * @param user null to leave it to the URL or the driver's defaults
   * @param password null for none
   * @throws StoreException if the database cannot be reached or migrated
   */
  public static PostgresSyncStore open(
      String jdbcUrl, String user, String password, StoreLimits limits) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("memvault-sync");
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(2);
    // How long a call waits for a connection: a database that is up hands one out within
    // milliseconds, so past this it is unreachable and the call is answered UNAVAILABLE
    // (STORE_UNAVAILABLE) rather than held for the pool's default 30 s.
    config.setConnectionTimeout(CONNECTION_WAIT.toMillis());
    Properties listenerProperties = new Properties();
    if (user != null) {
      listenerProperties.setProperty("user", user);
    }
    if (password != null) {
      listenerProperties.setProperty("password", password);
    }
    listenerProperties.setProperty("tcpKeepAlive", "true");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("cannot connect to the sync database", e);
    }
    try {
      return migrated(
          new PostgresSyncStore(
              pool, pool, () -> DriverManager.getConnection(jdbcUrl, listenerProperties), limits));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * Uses connections from {@code dataSource}, which the caller keeps and closes, and brings the
   * schema up to date. Once something subscribes, one connection is held for listening.
   *
   * @throws StoreException if the database cannot be reached or migrated
   */
  public static PostgresSyncStore open(DataSource dataSource, StoreLimits limits) {
    return migrated(new PostgresSyncStore(dataSource, null, dataSource::getConnection, limits));
  }

  private static PostgresSyncStore migrated(PostgresSyncStore store) {
    try (Connection connection = store.dataSource.getConnection()) {
      store.migrated(PostgresSchema.migrate(connection));
    } catch (SQLException e) {
      throw new StoreException("cannot bring the sync database's schema up to date", e);
    }
    return store;
  }

  @Override
  <T> T inTransaction(String what, SqlWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      checkOpen();
      try (Connection connection = dataSource.getConnection()) {
        // The append relies on each statement seeing what committed before it: after waiting
        // for the vault's row, it must see the entries of the append it waited for.
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        connection.setAutoCommit(false);
        try {
          T result = work.run(connection);
          connection.commit();
          outage.answered();
          return result;
        } catch (SQLException | RuntimeException e) {
          try {
            connection.rollback();
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
      } catch (SQLException e) {
        if (attempt < MAX_ATTEMPTS && RETRIED_STATES.contains(e.getSQLState())) {
          continue;
        }
        throw failed(what, e);
      }
    }
  }

  @Override
  <T> T reading(String what, SqlWork<T> work) {
    checkOpen();
    try (Connection connection = dataSource.getConnection()) {
      T result = work.run(connection);
      outage.answered();
      return result;
    } catch (SQLException e) {
      throw failed(what, e);
    }
  }

  private StoreException failed(String what, SQLException e) {
    boolean unreachable = DatabaseOutage.isUnreachable(e);
    if (unreachable) {
      outage.unreachable(e);
    }
    return new StoreException("cannot " + what + " in the sync database", e, unreachable);
  }

  @Override
  Optional<VaultHead> lockHead(Connection connection, byte[] vaultId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT head_seq, head_hash, stored_bytes FROM vaults WHERE vault_id = ? FOR UPDATE")) {
      select.setBytes(1, vaultId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(new VaultHead(rows.getLong(1), rows.getBytes(2), rows.getLong(3)))
            : Optional.empty();
      }
    }
  }

  @Override
  Map<ByteBuffer, LogEntry> findByChangeIds(
      Connection connection, byte[] vaultId, List<Change> changes) throws SQLException {
    byte[][] changeIds = new byte[changes.size()][];
    for (int i = 0; i < changeIds.length; i++) {
      changeIds[i] = changes.get(i).getChangeId().toByteArray();
    }
    Map<ByteBuffer, LogEntry> found = new HashMap<>();
    Array ids = connection.createArrayOf("bytea", changeIds);
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT "
                + ENTRY_COLUMNS
                + " FROM log_entries WHERE vault_id = ? AND change_id = ANY (?)")) {
      select.setBytes(1, vaultId);
      select.setArray(2, ids);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          LogEntry entry = entry(rows);
          found.put(entry.getChange().getChangeId().asReadOnlyByteBuffer(), entry);
        }
      }
    } finally {
      ids.free();
    }
    return found;
  }

  @Override
  void updateHead(Connection connection, byte[] vaultId, Head head, long storedBytes)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE vaults SET head_seq = ?, head_hash = ?, stored_bytes = ?,"
                + " head_changed_at = clock_timestamp() WHERE vault_id = ?")) {
      update.setLong(1, head.getSeq());
      update.setBytes(2, head.getEntryHash().toByteArray());
      update.setLong(3, storedBytes);
      update.setBytes(4, vaultId);
      update.executeUpdate();
    }
  }

  @Override
  void beforeCommit(Connection connection, Appended appended) throws SQLException {
    // Sent by PostgreSQL only if and when the transaction commits.
    try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, PostgresNotifications.CHANNEL);
      notify.setString(2, PostgresNotifications.payload(appended));
      notify.execute();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The first subscription opens the listening connection and returns once it listens.
   *
   * @throws StoreException if the listening connection cannot be opened
   */
  @Override
  public AutoCloseable subscribe(Consumer<Appended> listener) {
    synchronized (notificationsGuard) {
      checkOpen();
      if (notifications == null) {
        try {
          notifications = PostgresNotifications.start(listenerConnections, listeners, outage);
        } catch (SQLException e) {
          throw new StoreException("cannot listen for appends to the sync database", e);
        }
      }
      return super.subscribe(listener);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the sync store is closed");
    }
  }

  /** Stops listening and, if this store made its pool, closes it. */
  @Override
  public void close() {
    synchronized (notificationsGuard) {
      if (closed) {
        return;
      }
      closed = true;
      if (notifications != null) {
        notifications.close();
      }
    }
    if (ownedPool != null) {
      ownedPool.close();
    }
  }
}
