package dev.memvault.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Import of a generated ChatGPT export: memvault's importer in a child JVM limited to 256 MB of
 * heap (messages per second and its peak heap), next to the plain rate of the same work: the same
 * file parsed with the same streaming parser, and each conversation's messages inserted into a
 * plain SQLite table and a full-text index of their text (xerial, WAL, synchronous=FULL, FTS5 with
 * memvault's tokenizer, external content so the text is stored once) in one transaction per
 * conversation, as memvault commits them.
 */
final class ImportBenchmark {
  static final String CHILD_HEAP = "-Xmx256m";
  // One conversation is read at a time from inside the array: what follows it is not an error.
  private static final JsonMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  record Result(
      ChatGptExportGenerator.Export export,
      long memvaultMessages,
      long memvaultNanos,
      long memvaultPeakHeapBytes,
      long plainMessages,
      long plainNanos,
      long memvaultBytesOnDisk,
      long plainBytesOnDisk) {
    double memvaultPerSecond() {
      return memvaultMessages / (memvaultNanos / 1e9);
    }

    double plainPerSecond() {
      return plainMessages / (plainNanos / 1e9);
    }
  }

  private ImportBenchmark() {}

  static Result run(Path directory, long exportBytes, long seed, PlainFtsStore.Opener xerial)
      throws IOException, InterruptedException, SQLException {
    Files.createDirectories(directory);
    ChatGptExportGenerator.Export export =
        ChatGptExportGenerator.generate(directory.resolve("conversations.json"), exportBytes, seed);
    long[] memvault = importInChildJvm(export.file(), directory.resolve("vault"));
    long plainStart = System.nanoTime();
    long plainMessages = insertPlain(export.file(), directory.resolve("plain.db"), xerial);
    long plainNanos = System.nanoTime() - plainStart;
    return new Result(
        export,
        memvault[0],
        memvault[2],
        memvault[3],
        plainMessages,
        plainNanos,
        bytesUnder(directory.resolve("vault")),
        bytesUnder(directory, "plain.db"));
  }

  /** Bytes of the regular files under {@code directory} whose names start with the prefix. */
  private static long bytesUnder(Path directory, String... prefix) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      long total = 0;
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (prefix.length == 0 || file.getFileName().toString().startsWith(prefix[0])) {
          total += Files.size(file);
        }
      }
      return total;
    }
  }

  /** Runs {@link ImportChild}; returns messages, conversations, nanoseconds, peak heap bytes. */
  private static long[] importInChildJvm(Path export, Path vault)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                CHILD_HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                ImportChild.class.getName(),
                export.toString(),
                vault.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!child.waitFor(60, TimeUnit.MINUTES) || child.exitValue() != 0) {
      throw new IOException(
          "the memvault import failed (exit " + child.exitValue() + "): " + output);
    }
    String[] fields = output.strip().split(" ");
    long[] values = new long[fields.length];
    for (int i = 0; i < fields.length; i++) {
      values[i] = Long.parseLong(fields[i]);
    }
    return values;
  }

  /**
   * The baseline: the same messages as plain rows, each also in an FTS5 index (memvault indexes
   * every message it imports). Returns how many rows it inserted.
   */
  private static long insertPlain(Path export, Path database, PlainFtsStore.Opener xerial)
      throws IOException, SQLException {
    long rows = 0;
    try (Connection connection = xerial.connect(database);
        InputStream in = Files.newInputStream(export);
        JsonParser parser = JSON.createParser(in)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode = WAL");
        statement.execute("PRAGMA synchronous = FULL");
        statement.execute(
            "CREATE TABLE messages (id TEXT PRIMARY KEY, conversation TEXT NOT NULL,"
                + " role TEXT NOT NULL, created_at REAL, model TEXT, text TEXT NOT NULL)");
        statement.execute(
            "CREATE VIRTUAL TABLE messages_fts USING fts5(text, content = 'messages',"
                + " content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2')");
      }
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO messages (rowid, id, conversation, role, created_at, model, text)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement index =
              connection.prepareStatement("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)")) {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          throw new IOException("not a ChatGPT export");
        }
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          JsonNode conversation = JSON.readTree(parser);
          for (Row row : rows(conversation)) {
            rows++;
            insert.setLong(1, rows);
            insert.setString(2, row.id);
            insert.setString(3, row.conversation);
            insert.setString(4, row.role);
            insert.setDouble(5, row.createdAt);
            insert.setString(6, row.model);
            insert.setString(7, row.text);
            insert.addBatch();
            index.setLong(1, rows);
            index.setString(2, row.text);
            index.addBatch();
          }
          insert.executeBatch();
          index.executeBatch();
          connection.commit();
        }
      }
    }
    return rows;
  }

  private record Row(
      String id, String conversation, String role, double createdAt, String model, String text) {}

  private static List<Row> rows(JsonNode conversation) {
    List<Row> rows = new ArrayList<>();
    String conversationId = conversation.path("id").asString();
    for (JsonNode node : conversation.path("mapping")) {
      JsonNode message = node.path("message");
      if (message.isMissingNode() || message.isNull()) {
        continue;
      }
      rows.add(
          new Row(
              message.path("id").asString(),
              conversationId,
              message.path("author").path("role").asString(),
              message.path("create_time").asDouble(),
              message.path("metadata").path("model_slug").asString(""),
              message.path("content").path("parts").path(0).asString()));
    }
    return rows;
  }
}
