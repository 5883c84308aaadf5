package dev.memvault.server.store;

/**
 * The store itself failed: its database is unreachable, its disk full or its files damaged. Not the
 * caller's fault, and not the client's; the operation may or may not have taken effect only where
 * the method says so (an append either committed whole or not at all).
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean databaseUnreachable;

  public StoreException(String message, Throwable cause) {
    this(message, cause, false);
  }

  StoreException(String message, Throwable cause, boolean databaseUnreachable) {
    super(message, cause);
    this.databaseUnreachable = databaseUnreachable;
  }

  /**
   * Whether the database could not be reached: the store has then logged the outage once, and the
   * failure needs no log line of its own.
   */
  public boolean databaseUnreachable() {
    return databaseUnreachable;
  }
}
