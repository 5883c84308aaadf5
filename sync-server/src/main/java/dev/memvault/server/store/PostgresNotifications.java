package dev.memvault.server.store;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Head;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Hears of appends made by any process sharing the database: a daemon thread LISTENs on {@link
 * #CHANNEL} on a connection of its own and hands each notice to this process's {@link Listeners}.
 *
 * <p>If the connection drops, the thread reconnects with backoff and then announces the head of
 * every vault whose head changed since shortly before it last knew the connection was alive, since
 * NOTIFYs sent while nobody listened are gone. That keeps delivery at-least-once.
 */
final class PostgresNotifications implements AutoCloseable {
  /** The channel appends NOTIFY, with payload {@code <vault id hex>:<seq>:<entry hash hex>}. */
  static final String CHANNEL = "memvault_sync_appended";

  /** The application_name of the listening connection (in pg_stat_activity). */
  static final String APPLICATION_NAME = "memvault-sync-listener";

  private static final System.Logger LOG = System.getLogger(PostgresNotifications.class.getName());
  private static final int POLL_MILLIS = 250;
  private static final long HEALTH_CHECK_NANOS = Duration.ofSeconds(5).toNanos();
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  // Covers an append whose transaction stamped head_changed_at before the last health check but
  // committed after the connection was lost, and clock steps of the database server.
  private static final Duration CATCH_UP_SLACK = Duration.ofMinutes(1);

  /** Opens a connection for listening; not from a pool, since it is held for good. */
  interface ConnectionFactory {
    Connection connect() throws SQLException;
  }

  private final ConnectionFactory factory;
  private final Listeners listeners;
  private final DatabaseOutage outage;
  private final Thread thread;
  private volatile boolean stopping;

  // Only the listening thread touches these once it runs.
  private Connection connection;
  private PGConnection pgConnection;
  private OffsetDateTime lastAlive;
  private long lastCheckNanos;

  private PostgresNotifications(
      ConnectionFactory factory, Listeners listeners, DatabaseOutage outage) {
    this.factory = factory;
    this.listeners = listeners;
    this.outage = outage;
    this.thread = new Thread(this::run, APPLICATION_NAME);
    this.thread.setDaemon(true);
  }

  /**
   * Starts listening. Returns once LISTEN is in effect, so every append that commits after this
   * returns is heard.
   */
  static PostgresNotifications start(
      ConnectionFactory factory, Listeners listeners, DatabaseOutage outage) throws SQLException {
    PostgresNotifications notifications = new PostgresNotifications(factory, listeners, outage);
    notifications.listen();
    notifications.thread.start();
    return notifications;
  }

  private void listen() throws SQLException {
    Connection opened = factory.connect();
    try {
      opened.setAutoCommit(true);
      opened.setClientInfo("ApplicationName", APPLICATION_NAME);
      try (Statement statement = opened.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
      }
      pgConnection = opened.unwrap(PGConnection.class);
      lastAlive = databaseNow(opened);
      lastCheckNanos = System.nanoTime();
      connection = opened;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(opened);
      throw e;
    }
  }

  private void run() {
    long backoffMillis = 100;
    boolean lostInOutage = false;
    while (!stopping) {
      try {
        if (connection == null) {
          OffsetDateTime missedSince = lastAlive.minus(CATCH_UP_SLACK);
          listen();
          catchUp(missedSince);
          backoffMillis = 100;
          outage.answered();
          if (!lostInOutage) {
            LOG.log(System.Logger.Level.INFO, "listening for sync log appends again");
          }
        }
        PGNotification[] notices = pgConnection.getNotifications(POLL_MILLIS);
        if (notices != null) {
          for (PGNotification notice : notices) {
            deliver(notice.getParameter());
          }
        }
        if (System.nanoTime() - lastCheckNanos > HEALTH_CHECK_NANOS) {
          // Also notices a connection that died silently, which getNotifications may not.
          lastAlive = databaseNow(connection);
          lastCheckNanos = System.nanoTime();
        }
      } catch (SQLException | RuntimeException e) {
        if (stopping) {
          break;
        }
        lostInOutage = DatabaseOutage.isUnreachable(e);
        if (lostInOutage) {
          outage.unreachable(e); // one line for the whole outage, said once by whoever meets it
        } else {
          LOG.log(
              System.Logger.Level.WARNING,
              "lost the connection that listens for sync log appends; reconnecting",
              e);
        }
        closeQuietly(connection);
        connection = null;
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException interrupted) {
          break;
        }
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
      }
    }
    closeQuietly(connection);
    connection = null;
  }

  private void deliver(String payload) {
    String[] parts = payload.split(":", -1);
    try {
      if (parts.length != 3) {
        throw new IllegalArgumentException("expected 3 parts");
      }
      HexFormat hex = HexFormat.of();
      Head head =
          Head.newBuilder()
              .setSeq(Long.parseUnsignedLong(parts[1]))
              .setEntryHash(ByteString.copyFrom(hex.parseHex(parts[2])))
              .build();
      listeners.publish(new SyncStore.Appended(hex.parseHex(parts[0]), head));
    } catch (IllegalArgumentException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "ignoring a malformed notice on " + CHANNEL + ": " + payload);
    }
  }

  static String payload(SyncStore.Appended appended) {
    HexFormat hex = HexFormat.of();
    return hex.formatHex(appended.vaultId())
        + ":"
        + Long.toUnsignedString(appended.head().getSeq())
        + ":"
        + hex.formatHex(appended.head().getEntryHash().toByteArray());
  }

  private void catchUp(OffsetDateTime since) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT vault_id, head_seq, head_hash FROM vaults"
                + " WHERE head_changed_at >= ? AND head_seq > 0")) {
      select.setObject(1, since);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Head head =
              Head.newBuilder()
                  .setSeq(rows.getLong(2))
                  .setEntryHash(ByteString.copyFrom(rows.getBytes(3)))
                  .build();
          listeners.publish(new SyncStore.Appended(rows.getBytes(1), head));
        }
      }
    }
  }

  private static OffsetDateTime databaseNow(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT now()")) {
      rows.next();
      return rows.getObject(1, OffsetDateTime.class);
    }
  }

  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // The connection is being given up on; nothing to do about it.
    }
  }
}
