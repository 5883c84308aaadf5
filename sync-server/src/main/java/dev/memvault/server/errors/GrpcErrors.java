package dev.memvault.server.errors;

import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.store.StoreException;
import dev.memvault.server.store.SyncStore;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that turns what went wrong into what a client is told: a status code, a fixed
 * description and the reason in the {@value ErrorReason#TRAILER} trailer. Exception messages and
 * stack traces never reach a client; unexpected failures are logged here with their stack traces
 * but without their messages, which may quote request data (a database driver echoing a statement's
 * parameters, say).
 */
public final class GrpcErrors {
  private static final Logger LOG = Logger.getLogger(GrpcErrors.class.getName());

  private GrpcErrors() {}

  /** The status exception a refusal for {@code reason} is sent as. */
  public static StatusRuntimeException status(ErrorReason reason) {
    return Status.fromCode(reason.code())
        .withDescription(reason.description())
        .asRuntimeException(reason.trailers());
  }

  /** The reason {@code failure} is reported as. */
  public static ErrorReason reasonFor(Throwable failure) {
    if (failure instanceof RejectedException rejected) {
      return rejected.reason();
    }
    if (failure instanceof SyncStore.QuotaExceededException) {
      return ErrorReason.QUOTA_EXCEEDED;
    }
    if (failure instanceof SyncStore.CapReachedException reached) {
      return switch (reached.cap()) {
        case VAULTS -> ErrorReason.SERVER_FULL;
        case TOTAL_BYTES -> ErrorReason.SERVER_STORAGE_FULL;
        case OPEN_PAIRINGS -> ErrorReason.TOO_MANY_PAIRINGS;
      };
    }
    if (failure instanceof SyncStore.UnknownVaultException) {
      return ErrorReason.UNKNOWN_VAULT;
    }
    if (failure instanceof StoreException) {
      return ErrorReason.STORE_UNAVAILABLE;
    }
    return ErrorReason.INTERNAL;
  }

  /**
   * What to send a client for {@code failure}, logging it first if it is not an expected refusal.
   *
   * @param where the RPC or component, for the log line (a fixed name, never request data)
   */
  public static StatusRuntimeException toStatusException(String where, Throwable failure) {
    ErrorReason reason = reasonFor(failure);
    if (failure instanceof StoreException store && store.databaseUnreachable()) {
      // The store logged the outage once; a line per refused call would bury the log.
      return status(reason);
    }
    if (reason == ErrorReason.STORE_UNAVAILABLE) {
      LOG.log(Level.WARNING, where + ": the store failed", redacted(failure));
    } else if (reason == ErrorReason.INTERNAL) {
      LOG.log(Level.SEVERE, where + ": unexpected failure", redacted(failure));
    }
    return status(reason);
  }

  /** Ends a call with the status for {@code failure}. */
  public static void fail(StreamObserver<?> observer, String where, Throwable failure) {
    observer.onError(toStatusException(where, failure));
  }

  /**
   * A copy of {@code failure} for the log: the same classes and stack frames, with each message
   * replaced by its class name (and SQL state, for database errors). Only a {@link StoreException}
   * keeps its message, which the store writes from fixed text and its directory.
   */
  static Throwable redacted(Throwable failure) {
    Throwable cause = failure.getCause() == null ? null : redacted(failure.getCause());
    String what = failure.getClass().getName();
    if (failure instanceof StoreException) {
      what += ": " + failure.getMessage(); // the store's own words: an operation and a directory
    } else if (failure instanceof SQLException sql && sql.getSQLState() != null) {
      what += " (SQL state " + sql.getSQLState() + ")";
    }
    Throwable copy = new LoggedFailure(what, cause);
    copy.setStackTrace(failure.getStackTrace());
    return copy;
  }

  /** A failure as logged: its original class name in place of its message. */
  static final class LoggedFailure extends Exception {
    private static final long serialVersionUID = 1L;

    LoggedFailure(String what, Throwable cause) {
      super(what, cause);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
