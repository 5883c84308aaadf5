package dev.memvault.server.store;

/**
 * What opening a store did to its schema: the version it found and the version it left.
 *
 * @param from the version found (0 for a new store)
 * @param to the version left, this server's own
 */
public record SchemaMigration(int from, int to) {
  /** One clause for the operator's start lines. */
  public String describe() {
    if (from == to) {
      return "schema version " + to + ", up to date";
    }
    return from == 0
        ? "schema version " + to + ", created"
        : "schema migrated from version " + from + " to " + to;
  }
}
