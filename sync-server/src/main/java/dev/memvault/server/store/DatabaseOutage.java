package dev.memvault.server.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the operator once that the sync database cannot be reached, and once that it answers again.
 * While it is away every call fails alike (STORE_UNAVAILABLE to the client) and the pool and the
 * listener retry by themselves: a line per failed call or per reconnection attempt would bury the
 * log without saying more.
 */
final class DatabaseOutage {
  private static final System.Logger LOG = System.getLogger(DatabaseOutage.class.getName());

  private final AtomicBoolean down = new AtomicBoolean();

  /**
   * Whether {@code failure} says the database cannot be reached (no connection, connection lost,
   * server shutting down or starting), rather than that it refused a statement.
   */
  static boolean isUnreachable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLTransientConnectionException
          || cause instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // Class 08: connection exception; 57P01-57P03: administrator or crash shutdown, or the
        // server cannot take connections yet.
        if (state.startsWith("08") || state.matches("57P0[123]")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Records that the database could not be reached; the first failure of an outage is logged. */
  void unreachable(Throwable failure) {
    if (down.compareAndSet(false, true)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the sync database cannot be reached ("
              + describe(failure)
              + "); calls are answered UNAVAILABLE until it is back");
    }
  }

  /** Records that the database answered; the end of an outage is logged. */
  void answered() {
    if (down.get() && down.compareAndSet(true, false)) {
      LOG.log(System.Logger.Level.INFO, "the sync database answers again");
    }
  }

  /**
   * The driver's words about the connection (host, port, "refused", "terminating connection"),
   * which name no statement or data, with the SQL state.
   */
  private static String describe(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        return "SQL state " + sql.getSQLState() + ": " + sql.getMessage();
      }
    }
    return failure.getClass().getName();
  }
}
