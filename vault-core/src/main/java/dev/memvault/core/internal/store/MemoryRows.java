package dev.memvault.core.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the memories, memory_revisions, memory_tags and memory_fts tables. Callers own
 * transactions: every method here runs inside the caller's.
 */
public final class MemoryRows {
  /**
   * {@code Kind.MESSAGE}: messages stay out of the scope and source indexes (Migrations step 6), so
   * queries that leave messages out say so with this literal, which the planner needs to use those
   * partial indexes.
   */
  public static final int MESSAGE_KIND = 6;

  /** Held back index writes are written early past this much text, to bound their memory. */
  private static final long MAX_HELD_INDEX_CHARS = 8L << 20;

  private static final String COLUMNS =
      "m.seq, m.id, m.scope_id, m.kind, m.conversation_id, m.created_at, m.updated_at,"
          + " m.revision, m.deleted, m.envelope, m.source_key";

  // Both lookups must stay on an index (MemoryRowsQueryPlanTest): an import runs one per
  // conversation and per message.
  static final String FIND_BY_SOURCE =
      "SELECT "
          + COLUMNS
          + " FROM memories m WHERE m.source_key = ? AND m.kind != "
          + MESSAGE_KIND
          + " LIMIT 1";
  static final String FIND_MESSAGE_BY_SOURCE =
      "SELECT "
          + COLUMNS
          + " FROM memories m WHERE m.conversation_id = ? AND m.source_key = ?"
          + " LIMIT 1";

  /**
   * Search index writes held back until the transaction's end ({@link #flushIndexWrites}). SQLite
   * asks every virtual table written in a transaction for a savepoint whenever a later statement
   * opens a statement journal (an INSERT OR IGNORE, an upsert, a RETURNING clause, ...), and FTS5
   * answers by flushing the words it holds in memory into a segment of their own, a tiny segment
   * per memory for FTS5 to merge again and again. Written together at the end, in rowid order, the
   * words of a transaction are flushed once, whatever statements the other writes use
   * (VaultSearchIndexTest counts the flushes; docs/PERFORMANCE.md).
   */
  private final List<IndexWrite> indexWrites = new ArrayList<>();

  private long indexWriteChars;

  /** How many times the held writes were written out: a mark taken before that is stale. */
  private long indexFlushes;

  /** Where the held writes stood at a savepoint ({@link #markIndexWrites}). */
  public record IndexMark(long flushes, int held) {}

  private record IndexWrite(boolean delete, long seq, IndexedText indexed) {
    long chars() {
      return indexed.words().length() + indexed.tagWords().length() + indexed.forms().length();
    }
  }

  private final Connection connection;
  private final StatementCache statements;

  public MemoryRows(Connection connection) {
    this.connection = connection;
    this.statements = new StatementCache(connection);
  }

  /** A search hit: the row and its bm25 score (lower is better). */
  public record SearchRow(StoredMemory memory, double score) {}

  /**
   * What a live memory is indexed under: the analyzed words of its search text and of its tags,
   * their other forms (DocumentTerms), and its tags for the tag table. The index is contentless (it
   * keeps no copy of the text), so taking a memory out of it needs exactly the values it went in
   * with; they come from decrypting the memory's current revision and analyzing it again.
   */
  public record IndexedText(String words, String tagWords, String forms, List<String> tags) {}

  /** The words column of memory_fts, which spelling suggestions read. */
  public record VocabularyWord(String text, long memories) {}

  /** A stored earlier revision. */
  public record Revision(long revision, byte[] envelope) {}

  /** Inserts a new live memory with its search text and tags; returns its seq. */
  public long insert(StoredMemory row, IndexedText indexed) throws SQLException {
    insertRow(null, row);
    // Not RETURNING seq: it opens a statement journal, which makes FTS5 flush (see indexWrites).
    long seq;
    try (ResultSet rows = statements.get("SELECT last_insert_rowid()").executeQuery()) {
      rows.next();
      seq = rows.getLong(1);
    }
    index(seq, indexed);
    return seq;
  }

  /**
   * The seq that the next new memory takes. With {@link #indexNew} and {@link #insertAt}, a bulk
   * add writes the search index before the rows: the index does not wait for the rows' envelopes,
   * which are still being sealed (Vault.addAll).
   */
  public long nextSeq() throws SQLException {
    try (ResultSet rows =
        statements.get("SELECT coalesce(max(seq), 0) + 1 FROM memories").executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Adds the memory that {@link #insertAt} will insert as {@code seq} to the search index. */
  public void indexNew(long seq, IndexedText indexed) throws SQLException {
    holdIndexWrite(new IndexWrite(false, seq, indexed));
  }

  /** Inserts a new live memory as {@code seq} with its tags; {@link #indexNew} indexed it. */
  public void insertAt(long seq, StoredMemory row, List<String> tags) throws SQLException {
    insertRow(seq, row);
    insertTags(seq, tags);
  }

  private void insertRow(Long seq, StoredMemory row) throws SQLException {
    PreparedStatement insert =
        statements.get(
            "INSERT INTO memories (seq, id, scope_id, kind, conversation_id, created_at,"
                + " updated_at, revision, deleted, envelope, source_key)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)");
    if (seq == null) {
      insert.setNull(1, Types.INTEGER); // SQLite picks the seq
    } else {
      insert.setLong(1, seq);
    }
    insert.setString(2, row.id());
    insert.setBytes(3, row.scopeId());
    insert.setInt(4, row.kind());
    if (row.conversationId() == null) {
      insert.setNull(5, Types.VARCHAR);
    } else {
      insert.setString(5, row.conversationId());
    }
    insert.setLong(6, row.createdAtMillis());
    insert.setLong(7, row.updatedAtMillis());
    insert.setLong(8, row.revision());
    insert.setBytes(9, row.envelope());
    if (row.sourceKey() == null) {
      insert.setNull(10, Types.VARCHAR);
    } else {
      insert.setString(10, row.sourceKey());
    }
    insert.executeUpdate();
  }

  /**
   * Makes {@code envelope} the current revision of a live memory, keeping the previous one in the
   * history, and re-indexes its text and tags. The previous revision replaces a concurrent revision
   * of the same number that sync kept in the history: being current, it had the greater merge key
   * (docs/FORMAT.md, section 14.2).
   */
  public void replaceCurrent(
      StoredMemory previous,
      IndexedText previousIndexed,
      long revision,
      long updatedAtMillis,
      byte[] envelope,
      IndexedText indexed)
      throws SQLException {
    putRevision(previous.id(), previous.revision(), previous.envelope());
    setCurrent(previous.seq(), revision, updatedAtMillis, envelope, false);
    unindex(previous.seq(), previousIndexed);
    index(previous.seq(), indexed);
  }

  /**
   * Replaces a memory by its tombstone: the text leaves the search index, and every earlier
   * revision is deleted, so nothing of what was forgotten stays readable.
   *
   * @param previousIndexed what the memory is indexed under; empty if it is a tombstone already
   */
  public void tombstone(
      StoredMemory previous,
      Optional<IndexedText> previousIndexed,
      long revision,
      long updatedAtMillis,
      byte[] envelope)
      throws SQLException {
    try (PreparedStatement purge =
        connection.prepareStatement("DELETE FROM memory_revisions WHERE id = ?")) {
      purge.setString(1, previous.id());
      purge.executeUpdate();
    }
    setCurrent(previous.seq(), revision, updatedAtMillis, envelope, true);
    if (previousIndexed.isPresent()) {
      unindex(previous.seq(), previousIndexed.get());
    }
  }

  /** Up to {@code limit} ids that start with {@code prefix} (lower-case hex and dashes). */
  public List<String> idsStartingWith(String prefix, int limit) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT id FROM memories WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?")) {
      query.setInt(1, prefix.length());
      query.setString(2, prefix);
      query.setInt(3, limit);
      List<String> ids = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
      return ids;
    }
  }

  public Optional<StoredMemory> find(String id) throws SQLException {
    // Cached: a sync applying a whole log and an import look up every record.
    PreparedStatement query =
        statements.get("SELECT " + COLUMNS + " FROM memories m WHERE m.id = ?");
    query.setString(1, id);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? Optional.of(read(rows)) : Optional.empty();
    }
  }

  /**
   * The memory other than a message, live or forgotten, imported with this source key. (The
   * condition on kind is written out so that SQLite uses the partial index, which leaves messages
   * out.)
   */
  public Optional<StoredMemory> findBySource(String sourceKey) throws SQLException {
    PreparedStatement query = statements.get(FIND_BY_SOURCE);
    query.setString(1, sourceKey);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? Optional.of(read(rows)) : Optional.empty();
    }
  }

  /**
   * A message, live or forgotten, imported with this source key, in any conversation. Reads the
   * whole table (messages are in no index by source key): for occasional lookups only.
   */
  public Optional<StoredMemory> scanMessagesBySource(String sourceKey) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM memories m WHERE m.source_key = ?"
                + " AND m.kind = "
                + MESSAGE_KIND
                + " LIMIT 1")) {
      query.setString(1, sourceKey);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** The message of a conversation, live or forgotten, imported with this source key. */
  public Optional<StoredMemory> findMessageBySource(String conversationId, String sourceKey)
      throws SQLException {
    PreparedStatement query = statements.get(FIND_MESSAGE_BY_SOURCE);
    query.setString(1, conversationId);
    query.setString(2, sourceKey);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? Optional.of(read(rows)) : Optional.empty();
    }
  }

  /** Stores an earlier revision as it is, for restoring a memory's full history. */
  public void insertRevision(String id, long revision, byte[] envelope) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO memory_revisions (id, revision, envelope) VALUES (?, ?, ?)")) {
      insert.setString(1, id);
      insert.setLong(2, revision);
      insert.setBytes(3, envelope);
      insert.executeUpdate();
    }
  }

  /** Live memories (messages included) in storage order, after {@code afterSeq}; for export. */
  public List<StoredMemory> page(long afterSeq, int limit) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM memories m"
                + " WHERE m.seq > ? AND m.deleted = 0 ORDER BY m.seq LIMIT ?")) {
      query.setLong(1, afterSeq);
      query.setInt(2, limit);
      return readAll(query);
    }
  }

  /** Every memory, forgotten ones (tombstones) too, in storage order after {@code afterSeq}. */
  public List<StoredMemory> pageWithTombstones(long afterSeq, int limit) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM memories m WHERE m.seq > ? ORDER BY m.seq LIMIT ?")) {
      query.setLong(1, afterSeq);
      query.setInt(2, limit);
      return readAll(query);
    }
  }

  /**
   * Gives a memory's current content a new revision number and envelope: what it says, when it was
   * last changed, its search index entries and its history stay as they are.
   */
  public void restamp(StoredMemory row, long revision, byte[] envelope) throws SQLException {
    setCurrent(row.seq(), revision, row.updatedAtMillis(), envelope, row.deleted());
  }

  /**
   * Live memories after {@code afterSeq} in storage order that hold no vector of {@code model}:
   * messages only, or everything but messages.
   */
  public List<StoredMemory> withoutVector(String model, boolean messages, long afterSeq, int limit)
      throws SQLException {
    PreparedStatement query =
        statements.get(
            "SELECT "
                + COLUMNS
                + " FROM memories m WHERE m.seq > ? AND m.deleted = 0 AND (m.kind = 6) = ?"
                + " AND NOT EXISTS (SELECT 1 FROM memory_vectors v"
                + " WHERE v.seq = m.seq AND v.model = ?)"
                + " ORDER BY m.seq LIMIT ?");
    query.setLong(1, afterSeq);
    query.setBoolean(2, messages);
    query.setString(3, model);
    query.setInt(4, limit);
    return readAll(query);
  }

  /** Live memories that {@code filter} selects among those stored under {@code seqs}. */
  public List<StoredMemory> liveAmong(List<Long> seqs, MemoryFilter filter) throws SQLException {
    if (seqs.isEmpty()) {
      return List.of();
    }
    Where where = where(filter, true);
    StringBuilder sql =
        new StringBuilder("SELECT ").append(COLUMNS).append(" FROM memories m WHERE m.seq IN (");
    for (int i = 0; i < seqs.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    sql.append(") AND ").append(where.sql);
    try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
      int next = 1;
      for (long seq : seqs) {
        query.setLong(next++, seq);
      }
      where.bind(query, next);
      return readAll(query);
    }
  }

  /** Memories that are not tombstones: what {@link #page} returns, counted. */
  public long countLive() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT count(*) FROM memories WHERE deleted = 0")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Earlier revisions of a memory, oldest first. */
  public List<Revision> history(String id) throws SQLException {
    List<Revision> revisions = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT revision, envelope FROM memory_revisions WHERE id = ? ORDER BY revision")) {
      query.setString(1, id);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          revisions.add(new Revision(rows.getLong(1), rows.getBytes(2)));
        }
      }
    }
    return revisions;
  }

  /** Live memories, newest update first; messages only if the filter asks for their kind. */
  public List<StoredMemory> list(MemoryFilter filter) throws SQLException {
    Where where = where(filter, false);
    try (PreparedStatement query = connection.prepareStatement(listSql(where))) {
      int next = where.bind(query, 1);
      query.setInt(next, filter.limit());
      return readAll(query);
    }
  }

  /**
   * The next page of {@link #list}'s order after the row at ({@code updatedAtMillis}, {@code seq}):
   * up to {@code filter.limit()} live memories listed after it. Keyed by the position, not an
   * offset, so each page costs the same however deep the listing goes.
   */
  public List<StoredMemory> listAfter(MemoryFilter filter, long updatedAtMillis, long seq)
      throws SQLException {
    Where where = where(filter, false);
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM memories m WHERE "
                + where.sql
                + " AND (m.updated_at < ? OR (m.updated_at = ? AND m.seq < ?))"
                + " ORDER BY m.updated_at DESC, m.seq DESC LIMIT ?")) {
      int next = where.bind(query, 1);
      query.setLong(next, updatedAtMillis);
      query.setLong(next + 1, updatedAtMillis);
      query.setLong(next + 2, seq);
      query.setInt(next + 3, filter.limit());
      return readAll(query);
    }
  }

  /** Live messages of a conversation, in storage order. */
  public List<StoredMemory> messagesOf(String conversationId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM memories m"
                + " WHERE m.conversation_id = ? AND m.deleted = 0 ORDER BY m.seq")) {
      query.setString(1, conversationId);
      return readAll(query);
    }
  }

  /**
   * Full-text search ranked by bm25 (best first). Messages are included: the caller decides how to
   * present a hit inside a conversation, and makes its snippet from the decrypted text.
   */
  public List<SearchRow> search(String match, MemoryFilter filter, int limit, int offset)
      throws SQLException {
    flushIndexWrites(); // a search inside a transaction sees that transaction's writes
    Where where = where(filter, true);
    boolean filtered = filters(filter);
    List<SearchRow> hits = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(filtered ? filteredSearchSql(where) : SEARCH_ALL)) {
      query.setString(1, match);
      int next = filtered ? where.bind(query, 2) : 2;
      query.setInt(next, limit);
      query.setInt(next + 1, offset);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          hits.add(new SearchRow(read(rows), rows.getDouble(12)));
        }
      }
    }
    return hits;
  }

  /**
   * A search without filters: the best rows by bm25 from FTS5 alone (sorted by SQLite), then their
   * memories. Ordering by bm25() this way avoids FTS5's own ORDER BY rank, which runs the query a
   * second time inside FTS5 to sort it (docs/PERFORMANCE.md), and the join runs only for the rows
   * kept. Indexed rows are all live (a tombstone leaves the index), so no filter can drop a kept
   * row.
   */
  static final String SEARCH_ALL =
      "SELECT "
          + COLUMNS
          + ", hits.score"
          + " FROM (SELECT rowid AS seq, "
          + Migrations.SEARCH_RANK
          + " AS score FROM memory_fts"
          + " WHERE memory_fts MATCH ? ORDER BY score LIMIT ? OFFSET ?) AS hits"
          + " JOIN memories m ON m.seq = hits.seq WHERE m.deleted = 0 ORDER BY hits.score";

  /**
   * A search with filters, which must apply before the LIMIT: ordering by FTS5's rank (bm25 by
   * default) lets FTS5 hand rows over best first, so the join and the filters run only until the
   * LIMIT is filled, not for every match (docs/PERFORMANCE.md).
   */
  private static String filteredSearchSql(Where where) {
    return "SELECT "
        + COLUMNS
        + ", memory_fts.rank"
        + " FROM memory_fts JOIN memories m ON m.seq = memory_fts.rowid"
        + " WHERE memory_fts MATCH ? AND "
        + where.sql
        + " ORDER BY memory_fts.rank LIMIT ? OFFSET ?";
  }

  /** Whether any memory matches the FTS5 expression. */
  public boolean anyMatch(String match) throws SQLException {
    flushIndexWrites();
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM memory_fts WHERE memory_fts MATCH ? LIMIT 1")) {
      query.setString(1, match);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  /**
   * The words of the search index's words column that start with {@code prefix}, with the number of
   * memories holding each. FTS5 counts them by reading their lists of memories, so this reads a
   * slice of the index as large as the prefix selects: for occasional suggestions only.
   */
  public List<VocabularyWord> wordsStartingWith(String prefix) throws SQLException {
    flushIndexWrites();
    int last = prefix.codePointBefore(prefix.length());
    String after =
        prefix.substring(0, prefix.length() - Character.charCount(last))
            + new String(Character.toChars(last + 1));
    List<VocabularyWord> words = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT term, doc FROM memory_vocab WHERE col = 'text' AND term >= ? AND term < ?")) {
      query.setString(1, prefix);
      query.setString(2, after);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          words.add(new VocabularyWord(rows.getString(1), rows.getLong(2)));
        }
      }
    }
    return words;
  }

  private static boolean filters(MemoryFilter filter) {
    return filter.scopeId().isPresent()
        || filter.kind().isPresent()
        || filter.tag().isPresent()
        || filter.createdFromMillis().isPresent()
        || filter.createdBeforeMillis().isPresent();
  }

  static String listSql(MemoryFilter filter) {
    return listSql(where(filter, false));
  }

  private static String listSql(Where where) {
    return "SELECT "
        + COLUMNS
        + " FROM memories m WHERE "
        + where.sql
        + " ORDER BY m.updated_at DESC, m.seq DESC LIMIT ?";
  }

  /** Every live memory of a scope, messages included, in storage order. */
  public List<StoredMemory> liveIn(byte[] scopeId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM memories m WHERE m.scope_id = ? AND m.deleted = 0 ORDER BY m.seq")) {
      query.setBytes(1, scopeId);
      return readAll(query);
    }
  }

  /** Live memories per scope id, messages not counted. */
  public long countLive(byte[] scopeId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT count(*) FROM memories WHERE scope_id = ? AND deleted = 0 AND kind != "
                + MESSAGE_KIND)) {
      query.setBytes(1, scopeId);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private void setCurrent(
      long seq, long revision, long updatedAtMillis, byte[] envelope, boolean deleted)
      throws SQLException {
    PreparedStatement update =
        statements.get(
            "UPDATE memories SET revision = ?, updated_at = ?, envelope = ?, deleted = ?"
                + " WHERE seq = ?");
    update.setLong(1, revision);
    update.setLong(2, updatedAtMillis);
    update.setBytes(3, envelope);
    update.setInt(4, deleted ? 1 : 0);
    update.setLong(5, seq);
    update.executeUpdate();
    // The vector described the text this revision replaces (or forgets).
    PreparedStatement vector = statements.get("DELETE FROM memory_vectors WHERE seq = ?");
    vector.setLong(1, seq);
    vector.executeUpdate();
  }

  /** Adds a live memory to the search index (when the transaction ends) and the tag table. */
  public void index(long seq, IndexedText indexed) throws SQLException {
    indexNew(seq, indexed);
    insertTags(seq, indexed.tags());
  }

  private void insertTags(long seq, List<String> tags) throws SQLException {
    if (tags.isEmpty()) {
      return;
    }
    PreparedStatement tag =
        statements.get("INSERT OR IGNORE INTO memory_tags (tag, seq) VALUES (?, ?)");
    for (String t : tags) {
      tag.setString(1, t);
      tag.setLong(2, seq);
      tag.addBatch();
    }
    tag.executeBatch();
  }

  /**
   * Takes a memory out of the search index (when the transaction ends) and the tag table. A
   * contentless FTS5 table deletes by tokenizing the values given: they must be those the row was
   * indexed with, or the index goes wrong.
   */
  private void unindex(long seq, IndexedText indexed) throws SQLException {
    holdIndexWrite(new IndexWrite(true, seq, indexed));
    if (!indexed.tags().isEmpty()) {
      PreparedStatement tags = statements.get("DELETE FROM memory_tags WHERE seq = ?");
      tags.setLong(1, seq);
      tags.executeUpdate();
    }
  }

  private void holdIndexWrite(IndexWrite write) throws SQLException {
    indexWrites.add(write);
    indexWriteChars += write.chars();
    if (indexWriteChars > MAX_HELD_INDEX_CHARS) {
      flushIndexWrites();
    }
  }

  /**
   * Writes the held back search index writes, in rowid order (FTS5 flushes when rowids go down);
   * writes to one row keep their order. The caller's transaction must call this before it commits,
   * and searches call it first.
   */
  public void flushIndexWrites() throws SQLException {
    if (indexWrites.isEmpty()) {
      return;
    }
    indexWrites.sort(Comparator.comparingLong(IndexWrite::seq)); // stable
    PreparedStatement insert =
        statements.get("INSERT INTO memory_fts (rowid, text, tags, forms) VALUES (?, ?, ?, ?)");
    PreparedStatement delete =
        statements.get(
            "INSERT INTO memory_fts (memory_fts, rowid, text, tags, forms)"
                + " VALUES ('delete', ?, ?, ?, ?)");
    for (IndexWrite write : indexWrites) {
      PreparedStatement statement = write.delete() ? delete : insert;
      statement.setLong(1, write.seq());
      statement.setString(2, write.indexed().words());
      statement.setString(3, write.indexed().tagWords());
      statement.setString(4, write.indexed().forms());
      statement.executeUpdate();
    }
    discardIndexWrites();
    indexFlushes++;
  }

  /** Where the held writes stand, for {@link #rollbackIndexWrites} at a savepoint. */
  public IndexMark markIndexWrites() {
    return new IndexMark(indexFlushes, indexWrites.size());
  }

  /**
   * Forgets the writes held since {@code mark}: the caller rolled back to the savepoint it took
   * then. Writes already written out since then were written inside the savepoint, so the rollback
   * undid them in the database, and every write still held came after them.
   */
  public void rollbackIndexWrites(IndexMark mark) {
    int keep = mark.flushes() == indexFlushes ? mark.held() : 0;
    while (indexWrites.size() > keep) {
      IndexWrite dropped = indexWrites.remove(indexWrites.size() - 1);
      indexWriteChars -= dropped.chars();
    }
  }

  /** Forgets the held back writes: the transaction they belonged to was rolled back. */
  public void discardIndexWrites() {
    indexWrites.clear();
    indexWriteChars = 0;
  }

  private static List<StoredMemory> readAll(PreparedStatement query) throws SQLException {
    List<StoredMemory> result = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        result.add(read(rows));
      }
    }
    return result;
  }

  private static StoredMemory read(ResultSet rows) throws SQLException {
    return new StoredMemory(
        rows.getLong(1),
        rows.getString(2),
        rows.getBytes(3),
        rows.getInt(4),
        rows.getString(5),
        rows.getLong(6),
        rows.getLong(7),
        rows.getLong(8),
        rows.getInt(9) != 0,
        rows.getBytes(10),
        rows.getString(11));
  }

  /** The WHERE clause of a filter, with its parameters bound in order. */
  private static final class Where {
    final String sql;
    final List<Object> parameters;

    Where(String sql, List<Object> parameters) {
      this.sql = sql;
      this.parameters = parameters;
    }

    int bind(PreparedStatement statement, int first) throws SQLException {
      int index = first;
      for (Object parameter : parameters) {
        statement.setObject(index++, parameter);
      }
      return index;
    }
  }

  /**
   * keepMessages: messages match too (search); else they are left out unless the filter asks for
   * their kind. "kind != 6" is written as a literal wherever it holds: SQLite uses the partial
   * indexes, which leave messages out, only when the query's own WHERE implies theirs.
   */
  private static Where where(MemoryFilter filter, boolean keepMessages) {
    StringBuilder sql = new StringBuilder("m.deleted = 0");
    List<Object> parameters = new ArrayList<>();
    filter
        .scopeId()
        .ifPresent(
            id -> {
              sql.append(" AND m.scope_id = ?");
              parameters.add(id);
            });
    if (filter.kind().isPresent()) {
      int kind = filter.kind().getAsInt();
      sql.append(" AND m.kind = ?");
      parameters.add(kind);
      if (kind != MESSAGE_KIND) {
        sql.append(" AND m.kind != ").append(MESSAGE_KIND);
      }
    } else if (!keepMessages) {
      sql.append(" AND m.kind != ").append(MESSAGE_KIND);
    }
    filter
        .tag()
        .ifPresent(
            tag -> {
              sql.append(" AND m.seq IN (SELECT seq FROM memory_tags WHERE tag = ?)");
              parameters.add(tag);
            });
    filter
        .createdFromMillis()
        .ifPresent(
            from -> {
              sql.append(" AND m.created_at >= ?");
              parameters.add(from);
            });
    filter
        .createdBeforeMillis()
        .ifPresent(
            before -> {
              sql.append(" AND m.created_at < ?");
              parameters.add(before);
            });
    return new Where(sql.toString(), parameters);
  }

  // ---------------------------------------------------------------- sync (section 14.2)

  /** The history revision stored in slot {@code revision}, if any. */
  public Optional<byte[]> revision(String id, long revision) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT envelope FROM memory_revisions WHERE id = ? AND revision = ?")) {
      query.setString(1, id);
      query.setLong(2, revision);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
      }
    }
  }

  /** The envelope of revision {@code revision} of a memory, current or in the history. */
  public Optional<byte[]> envelopeAt(String id, long revision) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT envelope FROM memories WHERE id = ? AND revision = ?"
                + " UNION ALL SELECT envelope FROM memory_revisions WHERE id = ? AND revision = ?"
                + " LIMIT 1")) {
      query.setString(1, id);
      query.setLong(2, revision);
      query.setString(3, id);
      query.setLong(4, revision);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
      }
    }
  }

  /** Puts an envelope into history slot {@code revision}, replacing what was there. */
  public void putRevision(String id, long revision, byte[] envelope) throws SQLException {
    // DELETE then INSERT rather than INSERT OR REPLACE, which would open a statement journal and
    // so flush FTS5's pending words (see insert).
    deleteRevision(id, revision);
    PreparedStatement insert =
        statements.get("INSERT INTO memory_revisions (id, revision, envelope) VALUES (?, ?, ?)");
    insert.setString(1, id);
    insert.setLong(2, revision);
    insert.setBytes(3, envelope);
    insert.executeUpdate();
  }

  public void deleteRevision(String id, long revision) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM memory_revisions WHERE id = ? AND revision = ?")) {
      delete.setString(1, id);
      delete.setLong(2, revision);
      delete.executeUpdate();
    }
  }

  /**
   * Makes a remote revision current without touching the history (the caller has put the previous
   * current where it belongs), live again if it was a tombstone, and re-indexes it.
   *
   * @param previousIndexed what the memory is indexed under; empty if it was a tombstone
   */
  public void setCurrentLive(
      StoredMemory row,
      Optional<IndexedText> previousIndexed,
      long revision,
      long updatedAtMillis,
      byte[] envelope,
      IndexedText indexed)
      throws SQLException {
    setCurrent(row.seq(), revision, updatedAtMillis, envelope, false);
    if (previousIndexed.isPresent()) {
      unindex(row.seq(), previousIndexed.get());
    }
    index(row.seq(), indexed);
  }

  /** Empties the search index and the tag table, to be filled again with {@link #index}. */
  public void clearIndex() throws SQLException {
    discardIndexWrites();
    try (Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO memory_fts (memory_fts) VALUES ('delete-all')");
      statement.execute("DELETE FROM memory_tags");
    }
  }
}
