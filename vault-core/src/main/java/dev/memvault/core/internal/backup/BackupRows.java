package dev.memvault.core.internal.backup;

import com.google.protobuf.ByteString;
import dev.memvault.proto.v1.BackupEnd;
import dev.memvault.proto.v1.BackupMemory;
import dev.memvault.proto.v1.BackupMeta;
import dev.memvault.proto.v1.BackupRecord;
import dev.memvault.proto.v1.BackupRevision;
import dev.memvault.proto.v1.BackupScope;
import dev.memvault.proto.v1.BackupTag;
import dev.memvault.proto.v1.ScopeNaming;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Copies the rows of a vault database into backup records, table by table and column by column, and
 * back into a new database. The copy is verbatim: the same seq numbers, envelopes, encrypted
 * keysets and tags. The search index is not copied: it holds no text to copy (it is contentless),
 * so a restored vault fills it again from the envelopes when it first opens. Search-text records of
 * backups written before are read and counted, not inserted.
 *
 * <p>Schema: {@code store/Migrations.java}. A column added there must be added here and to {@code
 * backup.proto}, or a restore silently loses it.
 */
final class BackupRows {
  private BackupRows() {}

  /** Receives the records of a backup, in payload order. */
  interface Sink {
    void accept(BackupRecord record) throws IOException;
  }

  /** How many rows {@link #copyAll} will copy, for progress reports. */
  static long countRows(Connection db) throws SQLException {
    try (PreparedStatement query =
            db.prepareStatement(
                "SELECT (SELECT count(*) FROM vault_meta) + (SELECT count(*) FROM scopes)"
                    + " + (SELECT count(*) FROM memories) + (SELECT count(*) FROM memory_revisions)"
                    + " + (SELECT count(*) FROM memory_tags)");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * Hands every row of every table to {@code sink}: meta, scopes, memories, revisions, tags; then
   * the end record with the counts, which it also returns. The caller holds a read transaction, so
   * the rows are one consistent snapshot.
   */
  static BackupEnd copyAll(Connection db, Sink sink) throws SQLException, IOException {
    BackupEnd.Builder end = BackupEnd.newBuilder();
    try (PreparedStatement query =
            db.prepareStatement("SELECT name, value FROM vault_meta ORDER BY name");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        sink.accept(
            BackupRecord.newBuilder()
                .setMeta(
                    BackupMeta.newBuilder()
                        .setName(rows.getString(1))
                        .setValue(bytes(rows.getBytes(2))))
                .build());
        end.setMeta(end.getMeta() + 1);
      }
    }
    try (PreparedStatement query =
            db.prepareStatement(
                "SELECT s.scope_id, s.name, s.keyset, s.created_at, n.created_name, n.name,"
                    + " n.deleted, n.name_hlc FROM scopes s"
                    + " LEFT JOIN scope_names n ON n.scope_id = s.scope_id ORDER BY s.scope_id");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        BackupScope.Builder row =
            BackupScope.newBuilder()
                .setScopeId(bytes(rows.getBytes(1)))
                .setName(rows.getString(2))
                .setKeyset(bytes(rows.getBytes(3)))
                .setCreatedAt(rows.getLong(4));
        if (rows.getString(5) != null) {
          row.setCreatedName(rows.getString(5))
              .setNaming(
                  ScopeNaming.newBuilder()
                      .setName(rows.getString(6))
                      .setDeleted(rows.getInt(7) != 0)
                      .setHlc(rows.getLong(8)));
        }
        sink.accept(BackupRecord.newBuilder().setScope(row).build());
        end.setScopes(end.getScopes() + 1);
      }
    }
    try (PreparedStatement query =
            db.prepareStatement(
                "SELECT seq, id, scope_id, kind, conversation_id, created_at, updated_at,"
                    + " revision, deleted, envelope, source_key FROM memories ORDER BY seq");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        BackupMemory.Builder memory =
            BackupMemory.newBuilder()
                .setSeq(rows.getLong(1))
                .setId(rows.getString(2))
                .setScopeId(bytes(rows.getBytes(3)))
                .setKind(rows.getInt(4))
                .setCreatedAt(rows.getLong(6))
                .setUpdatedAt(rows.getLong(7))
                .setRevision(rows.getLong(8))
                .setDeleted(rows.getInt(9) != 0)
                .setEnvelope(bytes(rows.getBytes(10)));
        String conversationId = rows.getString(5);
        if (conversationId != null) {
          memory.setConversationId(conversationId);
        }
        String sourceKey = rows.getString(11);
        if (sourceKey != null) {
          memory.setSourceKey(sourceKey);
        }
        sink.accept(BackupRecord.newBuilder().setMemory(memory).build());
        end.setMemories(end.getMemories() + 1);
      }
    }
    try (PreparedStatement query =
            db.prepareStatement(
                "SELECT id, revision, envelope FROM memory_revisions ORDER BY id, revision");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        sink.accept(
            BackupRecord.newBuilder()
                .setRevision(
                    BackupRevision.newBuilder()
                        .setId(rows.getString(1))
                        .setRevision(rows.getLong(2))
                        .setEnvelope(bytes(rows.getBytes(3))))
                .build());
        end.setRevisions(end.getRevisions() + 1);
      }
    }
    try (PreparedStatement query =
            db.prepareStatement("SELECT tag, seq FROM memory_tags ORDER BY tag, seq");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        sink.accept(
            BackupRecord.newBuilder()
                .setTag(BackupTag.newBuilder().setTag(rows.getString(1)).setSeq(rows.getLong(2)))
                .build());
        end.setTags(end.getTags() + 1);
      }
    }
    BackupEnd counts = end.build();
    sink.accept(BackupRecord.newBuilder().setEnd(counts).build());
    return counts;
  }

  /**
   * Inserts records into a new database whose schema is in place, counting what it inserted. The
   * caller owns the transaction.
   */
  static final class Inserter implements AutoCloseable {
    private final PreparedStatement meta;
    private final PreparedStatement scope;
    private final PreparedStatement naming;
    private final PreparedStatement memory;
    private final PreparedStatement revision;
    private final PreparedStatement tag;
    private final BackupEnd.Builder counts = BackupEnd.newBuilder();

    Inserter(Connection db) throws SQLException {
      meta = db.prepareStatement("INSERT INTO vault_meta (name, value) VALUES (?, ?)");
      scope =
          db.prepareStatement(
              "INSERT INTO scopes (scope_id, name, keyset, created_at) VALUES (?, ?, ?, ?)");
      naming =
          db.prepareStatement(
              "INSERT INTO scope_names (scope_id, created_name, name, deleted, name_hlc)"
                  + " VALUES (?, ?, ?, ?, ?)");
      memory =
          db.prepareStatement(
              "INSERT INTO memories (seq, id, scope_id, kind, conversation_id, created_at,"
                  + " updated_at, revision, deleted, envelope, source_key)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      revision =
          db.prepareStatement(
              "INSERT INTO memory_revisions (id, revision, envelope) VALUES (?, ?, ?)");
      tag = db.prepareStatement("INSERT INTO memory_tags (tag, seq) VALUES (?, ?)");
    }

    /** Inserts one row; returns false for the end record and for records it does not know. */
    boolean insert(BackupRecord record) throws SQLException {
      switch (record.getItemCase()) {
        case META -> {
          BackupMeta row = record.getMeta();
          meta.setString(1, row.getName());
          meta.setBytes(2, row.getValue().toByteArray());
          meta.executeUpdate();
          counts.setMeta(counts.getMeta() + 1);
        }
        case SCOPE -> {
          BackupScope row = record.getScope();
          scope.setBytes(1, row.getScopeId().toByteArray());
          scope.setString(2, row.getName());
          scope.setBytes(3, row.getKeyset().toByteArray());
          scope.setLong(4, row.getCreatedAt());
          scope.executeUpdate();
          if (row.hasNaming()) {
            naming.setBytes(1, row.getScopeId().toByteArray());
            naming.setString(
                2, row.getCreatedName().isEmpty() ? row.getName() : row.getCreatedName());
            naming.setString(3, row.getNaming().getName());
            naming.setInt(4, row.getNaming().getDeleted() ? 1 : 0);
            naming.setLong(5, row.getNaming().getHlc());
            naming.executeUpdate();
          }
          counts.setScopes(counts.getScopes() + 1);
        }
        case MEMORY -> {
          BackupMemory row = record.getMemory();
          memory.setLong(1, row.getSeq());
          memory.setString(2, row.getId());
          memory.setBytes(3, row.getScopeId().toByteArray());
          memory.setInt(4, row.getKind());
          setNullableText(memory, 5, row.hasConversationId() ? row.getConversationId() : null);
          memory.setLong(6, row.getCreatedAt());
          memory.setLong(7, row.getUpdatedAt());
          memory.setLong(8, row.getRevision());
          memory.setInt(9, row.getDeleted() ? 1 : 0);
          memory.setBytes(10, row.getEnvelope().toByteArray());
          setNullableText(memory, 11, row.hasSourceKey() ? row.getSourceKey() : null);
          memory.executeUpdate();
          counts.setMemories(counts.getMemories() + 1);
        }
        case REVISION -> {
          BackupRevision row = record.getRevision();
          revision.setString(1, row.getId());
          revision.setLong(2, row.getRevision());
          revision.setBytes(3, row.getEnvelope().toByteArray());
          revision.executeUpdate();
          counts.setRevisions(counts.getRevisions() + 1);
        }
        case TAG -> {
          BackupTag row = record.getTag();
          tag.setString(1, row.getTag());
          tag.setLong(2, row.getSeq());
          tag.executeUpdate();
          counts.setTags(counts.getTags() + 1);
        }
        case SEARCH_TEXT -> {
          // A backup from before the contentless index; the index is rebuilt instead.
          counts.setSearchTexts(counts.getSearchTexts() + 1);
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    /** What was inserted, in the form of the end record that should announce it. */
    BackupEnd counts() {
      return counts.build();
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement statement :
          new PreparedStatement[] {meta, scope, naming, memory, revision, tag}) {
        statement.close();
      }
    }
  }

  private static void setNullableText(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  private static ByteString bytes(byte[] value) {
    return value == null ? ByteString.EMPTY : ByteString.copyFrom(value);
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }
}
