package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.sync.HybridClock;
import dev.memvault.core.internal.sync.SyncRows;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.function.Supplier;

/**
 * Runs the vault's units of work on its one connection: each write all or nothing, with the
 * in-memory state that goes with the database (held search index writes, open scopes, the hybrid
 * clock) kept in step with what committed.
 *
 * <p>The clock is stored with the writes that used it, once per transaction, so that it never goes
 * backwards across a restart.
 */
final class Transactor {
  /** A unit of work inside one transaction. */
  interface Work<T> {
    T run() throws SQLException, GeneralSecurityException;
  }

  private final Connection connection;
  private final Path database;
  private final MemoryRows memories;
  private final SyncRows syncRows;
  private final HybridClock hlc;
  private final Scopes openScopes;

  /** The clock value stored in the vault by the last commit. */
  private long persistedHlc;

  Transactor(
      Connection connection,
      Path database,
      MemoryRows memories,
      SyncRows syncRows,
      HybridClock hlc,
      Scopes openScopes) {
    this.connection = connection;
    this.database = database;
    this.memories = memories;
    this.syncRows = syncRows;
    this.hlc = hlc;
    this.openScopes = openScopes;
    this.persistedHlc = hlc.last();
  }

  Connection connection() {
    return connection;
  }

  /** Runs {@code work} in one transaction: it commits, or nothing of it happened. */
  <T> T inTransaction(Work<T> work) {
    Scopes before = openScopes.snapshot();
    try {
      connection.setAutoCommit(false);
      T result = work.run();
      memories.flushIndexWrites();
      if (hlc.last() != persistedHlc) {
        syncRows.putHlc(hlc.last());
      }
      connection.commit();
      persistedHlc = hlc.last();
      return result;
    } catch (SQLException | GeneralSecurityException | RuntimeException thrown) {
      Throwable e = thrown instanceof WrappedFailure ? thrown.getCause() : thrown;
      rollback();
      memories.discardIndexWrites();
      // A scope created inside the failed transaction does not exist after it.
      openScopes.restore(before);
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e instanceof GeneralSecurityException) {
        throw new IllegalStateException("encryption failed", e);
      }
      throw new VaultException(
          "the vault database could not be written (" + e.getMessage() + "); nothing was changed",
          e);
    } finally {
      try {
        connection.setAutoCommit(true);
      } catch (SQLException ignored) {
        // The connection is unusable; the next call reports it.
      }
    }
  }

  /** Runs a read outside any transaction; a database error means damage. */
  <T> T read(Work<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw Failures.databaseDamaged(database);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  /**
   * Runs {@code work} inside a savepoint of the open transaction: if it throws, its writes, held
   * index writes and new scopes are undone and the exception rethrown; earlier writes stay.
   */
  <T> T attempt(Supplier<T> work) {
    Scopes before = openScopes.snapshot();
    MemoryRows.IndexMark heldIndexWrites = memories.markIndexWrites();
    Savepoint savepoint = unchecked(connection::setSavepoint);
    try {
      T result = work.get();
      unchecked(
          () -> {
            connection.releaseSavepoint(savepoint);
            return null;
          });
      return result;
    } catch (RuntimeException e) {
      unchecked(
          () -> {
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
            return null;
          });
      memories.rollbackIndexWrites(heldIndexWrites);
      openScopes.restore(before);
      throw e;
    }
  }

  /**
   * Rethrows checked failures unchanged past a functional interface; {@link #inTransaction} unwraps
   * them.
   */
  static <T> T unchecked(Work<T> work) {
    try {
      return work.run();
    } catch (SQLException | GeneralSecurityException e) {
      throw new WrappedFailure(e);
    }
  }

  void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing a damaged or already closed database has nothing left to report.
    }
  }

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // Nothing was committed; SQLite discards an open transaction when the connection closes.
    }
  }

  private static final class WrappedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrappedFailure(Exception cause) {
      super(cause);
    }
  }
}
