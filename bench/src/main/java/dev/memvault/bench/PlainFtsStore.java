package dev.memvault.bench;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.sqlite.mc.SQLiteMCSqlCipherConfig;

/**
 * The baseline: one FTS5 table with the tokenizer memvault uses, written with one reused prepared
 * statement per batch and queried with the same snippet and bm25 ranking as memvault, without
 * encryption, envelopes or any other table.
 */
final class PlainFtsStore implements Store {
  private static final String SCHEMA =
      "CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5("
          + " text, tags, tokenize = 'unicode61 remove_diacritics 2')";
  private static final String INSERT = "INSERT INTO docs (text, tags) VALUES (?, ?)";
  private static final String SEARCH =
      "SELECT rowid, snippet(docs, 0, '[', ']', '…', 12), bm25(docs) AS score"
          + " FROM docs WHERE docs MATCH ? ORDER BY score LIMIT 10";

  /** Opens a connection to a SQLite file: the part that differs between baselines. */
  interface Opener {
    Connection connect(Path file) throws SQLException;
  }

  private final String name;
  private final Connection connection;

  private PlainFtsStore(String name, Connection connection) {
    this.name = name;
    this.connection = connection;
  }

  /**
   * Opens (creating if absent) a database with the durability settings memvault uses: WAL and
   * synchronous=FULL.
   */
  static PlainFtsStore open(String name, Opener opener, Path file) throws SQLException {
    Connection connection = opener.connect(file);
    try (Statement statement = connection.createStatement()) {
      // The same first read as SqlCipherDatabase.open, so that open times compare.
      statement.execute("SELECT count(*) FROM sqlite_master");
      statement.execute("PRAGMA journal_mode = WAL");
      statement.execute("PRAGMA synchronous = FULL");
      statement.execute(SCHEMA);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new PlainFtsStore(name, connection);
  }

  /**
   * org.xerial:sqlite-jdbc, loaded from {@code jar} in a class loader of its own. Its classes have
   * the same names as those of the SQLCipher driver on the application class path, so the driver is
   * instantiated reflectively and called directly, never through DriverManager.
   */
  static Opener isolatedXerial(Path jar) {
    Driver driver;
    try {
      @SuppressWarnings("resource") // Lives as long as the JVM: the native library stays loaded.
      URLClassLoader loader =
          new URLClassLoader(
              "xerial-sqlite",
              new URL[] {jar.toUri().toURL()},
              ClassLoader.getPlatformClassLoader());
      driver = (Driver) loader.loadClass("org.sqlite.JDBC").getDeclaredConstructor().newInstance();
    } catch (IOException | ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load the baseline driver from " + jar, e);
    }
    if (driver.getClass().getClassLoader() == PlainFtsStore.class.getClassLoader()) {
      throw new IllegalStateException("the baseline driver was not isolated");
    }
    return file -> driver.connect(url(file), new Properties());
  }

  /** The sqlite-jdbc jar in {@code directory}, as copied there by the build. */
  static Path findJar(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> jars =
          files.filter(p -> p.getFileName().toString().matches("sqlite-jdbc-.*\\.jar")).toList();
      if (jars.size() != 1) {
        throw new IOException("expected one sqlite-jdbc jar in " + directory + ", found " + jars);
      }
      return jars.get(0);
    }
  }

  /** vault-core's driver (SQLite3 Multiple Ciphers) without a key: a plaintext database. */
  static Opener vaultCoreDriverWithoutKey() {
    return file -> DriverManager.getConnection(url(file));
  }

  /** vault-core's driver with SQLCipher v4 and a raw key, configured as SqlCipherDatabase does. */
  static Opener vaultCoreDriverWithSqlCipher(byte[] rawKey) {
    return file ->
        DriverManager.getConnection(
            url(file),
            SQLiteMCSqlCipherConfig.getV4Defaults()
                .withRawUnsaltedKey(rawKey.clone())
                .build()
                .toProperties());
  }

  private static String url(Path file) {
    return "jdbc:sqlite:" + file.toAbsolutePath();
  }

  String sqliteVersion() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT sqlite_version()")) {
      rows.next();
      return rows.getString(1);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Batch prepare(List<Corpus.Document> documents) {
    return () -> {
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        for (Corpus.Document document : documents) {
          insert.setString(1, document.text());
          insert.setString(2, String.join(" ", document.tags()));
          insert.executeUpdate();
        }
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    };
  }

  /**
   * Prepares the statement for every query, as memvault does, so that the comparison is between the
   * work per query and not between statement caches.
   */
  @Override
  public int search(String word) throws SQLException {
    int hits = 0;
    try (PreparedStatement query = connection.prepareStatement(SEARCH)) {
      query.setString(1, "\"" + word.replace("\"", "\"\"") + "\"");
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          rows.getLong(1);
          rows.getString(2);
          rows.getDouble(3);
          hits++;
        }
      }
    }
    return hits;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
