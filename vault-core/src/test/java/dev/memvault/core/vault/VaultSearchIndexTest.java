package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.store.Migrations;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.core.testing.Seeds;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search index is contentless: FTS5 keeps no copy of the text, so every update, forget and
 * merge must take a memory out of it with exactly the words it went in with. These tests hold the
 * index to the memories it indexes.
 */
class VaultSearchIndexTest {
  private static final char[] PASSPHRASE = "index test".toCharArray();
  private static final List<String> WORDS =
      List.of("amber", "basalt", "cobalt", "dune", "ember", "fjord", "garnet", "heron");
  private static final List<String> TAGS = List.of("tagnorth", "tagsouth", "tageast");

  @TempDir Path dir;

  /** What a memory should be found by: the words of its text and its tags. */
  private record Expected(Set<String> words) {}

  @Test
  void randomAddsUpdatesAndForgets_searchFindsExactlyTheLiveMemoriesHoldingEachWord()
      throws Exception {
    long seed = Seeds.seed("randomAddsUpdatesAndForgets_searchFindsExactly");
    SplittableRandom random = new SplittableRandom(seed);
    Path home = dir.resolve("v");
    CreatedVault created = Vault.create(home, PASSPHRASE);
    Map<String, Expected> live = new HashMap<>();
    try (Vault vault = created.vault()) {
      for (int step = 1; step <= 240; step++) {
        int action = random.nextInt(10);
        List<String> ids = new ArrayList<>(live.keySet());
        ids.sort(null);
        if (ids.isEmpty() || action < 3) {
          String text = sentence(random);
          List<String> tags = tags(random);
          Memory added =
              vault.add(Drafts.note("s" + random.nextInt(3), text, tags.toArray(String[]::new)));
          live.put(added.getId(), expected(text, tags));
        } else if (action < 4) {
          // addAll indexes a batch under seqs given before its rows are written (and sealed on
          // other threads): sizes below, at and past the sealing chunk of 64.
          List<Memory> drafts = new ArrayList<>();
          List<Expected> wanted = new ArrayList<>();
          for (int n = 1 + random.nextInt(150); n > 0; n--) {
            String text = sentence(random);
            List<String> tags = tags(random);
            drafts.add(Drafts.note("s" + random.nextInt(3), text, tags.toArray(String[]::new)));
            wanted.add(expected(text, tags));
          }
          List<Memory> added = vault.addAll(drafts);
          for (int i = 0; i < added.size(); i++) {
            live.put(added.get(i).getId(), wanted.get(i));
          }
        } else if (action < 8) {
          String id = ids.get(random.nextInt(ids.size()));
          String text = sentence(random);
          List<String> tags = tags(random);
          vault.update(id, b -> b.setText(text).clearTags().addAllTags(tags));
          live.put(id, expected(text, tags));
        } else {
          String id = ids.get(random.nextInt(ids.size()));
          vault.forget(id);
          live.remove(id);
        }
        if (step % 60 == 0) {
          assertSearchMatches(vault, live, seed);
        }
      }
    }
    try (RawVault raw = RawVault.open(home, created.recoveryKey())) {
      assertIndexIntact(raw.connection(), seed);
    }
  }

  /**
   * FTS5 writes its pending words to disk once per transaction, not once per memory: every other
   * write of an add (tags, outbox, revision) runs before the index writes (MemoryRows holds them
   * back), so no statement journal makes FTS5 flush early. FTS5's write counter (the number of leaf
   * pages its flushes wrote, in the structure record) tells: one flush of 400 short notes fits in a
   * few leaves, one flush per note writes at least 400.
   */
  @Test
  void addAll_indexWordsFlushedOncePerTransactionNotPerMemory() throws Exception {
    Path home = dir.resolve("flushes");
    CreatedVault created = Vault.create(home, PASSPHRASE);
    List<Memory> drafts = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      drafts.add(Drafts.note("work", "note number " + i + " about lisbon", "tag" + (i % 5)));
    }
    try (Vault vault = created.vault()) {
      vault.addAll(drafts);
      assertEquals(400, ids(vault, "lisbon").size());
    }

    try (RawVault raw = RawVault.open(home, created.recoveryKey());
        Statement statement = raw.connection().createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT block FROM memory_fts_data WHERE id = 10")) {
      rows.next();
      long leavesWritten = fts5WriteCounter(rows.getBytes(1));
      assertTrue(leavesWritten > 0 && leavesWritten < 40, leavesWritten + " leaves written");
      assertIndexIntact(raw.connection(), 0);
    }
  }

  /**
   * An import undoes a conversation that fails (Writes.attempt, a savepoint) and goes on: the
   * undone memories' index writes, held back until the commit, must go with it, or the next memory
   * (which may get the undone one's rowid) would be found by the undone words.
   */
  @Test
  void write_attemptRolledBack_undoneMemoriesLeaveNothingInTheIndex() throws Exception {
    Path home = dir.resolve("attempt");
    CreatedVault created = Vault.create(home, PASSPHRASE);
    try (Vault vault = created.vault()) {
      vault.write(
          writes -> {
            writes.add(Drafts.note("work", "kept alpha"));
            assertThrows(
                IllegalStateException.class,
                () ->
                    writes.attempt(
                        inner -> {
                          inner.add(Drafts.note("work", "undone bravo", "undonetag"));
                          throw new IllegalStateException("undo this conversation");
                        }));
            writes.add(Drafts.note("work", "later charlie"));
            return null;
          });

      assertEquals(List.of(), ids(vault, "bravo"));
      assertEquals(List.of(), ids(vault, "undonetag"));
      assertEquals(1, ids(vault, "charlie").size());
      assertEquals(1, ids(vault, "alpha").size());
    }
    try (RawVault raw = RawVault.open(home, created.recoveryKey())) {
      assertIndexIntact(raw.connection(), 0);
    }
  }

  /** The structure record: a 4-byte cookie, then varints nLevel, nSegment, nWriteCounter. */
  private static long fts5WriteCounter(byte[] structure) {
    int[] at = {4};
    varint(structure, at); // levels
    varint(structure, at); // segments
    return varint(structure, at);
  }

  /** An SQLite varint (big-endian, 7 bits per byte, the ninth byte whole). */
  private static long varint(byte[] bytes, int[] at) {
    long value = 0;
    for (int i = 0; i < 9; i++) {
      int b = bytes[at[0]++] & 0xff;
      if (i == 8) {
        return (value << 8) | b;
      }
      value = (value << 7) | (b & 0x7f);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    return value;
  }

  @Test
  void open_vaultWithTheEarlierIndexThatKeptText_indexRebuiltWithoutTextAndSearchable()
      throws Exception {
    Path home = dir.resolve("old");
    CreatedVault created = Vault.create(home, PASSPHRASE);
    String kept;
    String revised;
    try (Vault vault = created.vault()) {
      kept = vault.add(Drafts.note("work", "the basalt quarry report", "tagnorth")).getId();
      revised = vault.add(Drafts.note("work", "an amber draft")).getId();
      vault.update(revised, b -> b.setText("a cobalt final"));
      String forgotten = vault.add(Drafts.note("work", "the garnet secret")).getId();
      vault.forget(forgotten);
    }
    // Turn the database back into schema version 4: an FTS5 table holding its own copy of the
    // text, as vaults written before the contentless index have.
    try (RawVault raw = RawVault.open(home, created.recoveryKey());
        Statement statement = raw.connection().createStatement()) {
      statement.execute("DROP TABLE memory_fts");
      statement.execute(
          "CREATE VIRTUAL TABLE memory_fts USING fts5("
              + " text, tags, tokenize = 'unicode61 remove_diacritics 2')");
      statement.execute(
          "INSERT INTO memory_fts (rowid, text, tags) SELECT seq, 'stale words', '' FROM memories"
              + " WHERE deleted = 0");
      statement.execute(
          "DELETE FROM vault_meta WHERE name = '" + MetaRows.SEARCH_INDEX_STALE + "'");
      statement.execute("PRAGMA user_version = 4");
    }

    try (Vault vault = Vault.open(home, PASSPHRASE)) {
      assertEquals(List.of(kept), ids(vault, "basalt"));
      assertEquals(List.of(kept), ids(vault, "tagnorth"));
      assertEquals(List.of(revised), ids(vault, "cobalt"));
      assertEquals(List.of(), ids(vault, "amber"));
      assertEquals(List.of(), ids(vault, "garnet"));
      assertEquals(List.of(), ids(vault, "stale"));
      assertEquals(
          "the [basalt] quarry report", vault.search("basalt", Selection.all()).get(0).snippet());
    }
    try (RawVault raw = RawVault.open(home, created.recoveryKey());
        Statement statement = raw.connection().createStatement()) {
      assertEquals(Migrations.latestVersion(), Migrations.currentVersion(raw.connection()));
      assertNull(new MetaRows(raw.connection()).get(MetaRows.SEARCH_INDEX_STALE));
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT count(*) FROM sqlite_master WHERE name = 'memory_fts_content'")) {
        rows.next();
        assertEquals(0, rows.getInt(1), "the index keeps no copy of the text");
      }
      try (ResultSet rows =
          statement.executeQuery("SELECT count(*), count(text) FROM memory_fts")) {
        rows.next();
        assertEquals(2, rows.getInt(1), "one index row per live memory");
        assertEquals(0, rows.getInt(2), "no text can be read back from the index");
      }
      assertIndexIntact(raw.connection(), 0);
    }
  }

  @Test
  void open_vaultWithTheIndexOfExactWords_rebuiltOnceWithProgressAndFindsWordForms()
      throws Exception {
    Path home = dir.resolve("exact");
    CreatedVault created = Vault.create(home, PASSPHRASE);
    String restaurants;
    try (Vault vault = created.vault()) {
      restaurants = vault.add(Drafts.note("food", "two restaurants by the harbour")).getId();
      vault.add(Drafts.note("food", "我们去黄山看日出"));
    }
    // Turn the database back into schema version 8: the contentless index of exact words, as
    // vaults written before the analyzed index have, filled as those vaults filled it.
    try (RawVault raw = RawVault.open(home, created.recoveryKey());
        Statement statement = raw.connection().createStatement()) {
      statement.execute("DROP TABLE memory_vocab");
      statement.execute("DROP TABLE memory_fts");
      statement.execute(
          "CREATE VIRTUAL TABLE memory_fts USING fts5("
              + " text, tags, content = '', tokenize = 'unicode61 remove_diacritics 2')");
      statement.execute(
          "INSERT INTO memory_fts (rowid, text, tags) SELECT seq, 'two restaurants by the"
              + " harbour', '' FROM memories WHERE id = '"
              + restaurants
              + "'");
      statement.execute("PRAGMA user_version = 8");
    }

    List<String> progress = new ArrayList<>();
    try (Vault vault =
        Vault.open(home, PASSPHRASE, (indexed, total) -> progress.add(indexed + "/" + total))) {
      assertEquals(List.of(restaurants), ids(vault, "restaurant"));
      assertEquals(1, ids(vault, "黄山").size());
      assertEquals(Optional.of("harbour"), vault.spellingSuggestion("harbur"));
    }
    assertEquals(List.of("0/2", "2/2"), progress);
    try (RawVault raw = RawVault.open(home, created.recoveryKey())) {
      assertEquals(Migrations.latestVersion(), Migrations.currentVersion(raw.connection()));
      assertNull(new MetaRows(raw.connection()).get(MetaRows.SEARCH_INDEX_STALE));
      assertIndexIntact(raw.connection(), 0);
    }
    progress.clear();
    Vault.open(home, PASSPHRASE, (indexed, total) -> progress.add(indexed + "/" + total)).close();
    assertEquals(List.of(), progress, "rebuilt once");
  }

  @Test
  void open_interruptedRebuild_startsOverAndCompletes() throws Exception {
    Path home = dir.resolve("interrupted");
    CreatedVault created = Vault.create(home, PASSPHRASE);
    String id;
    try (Vault vault = created.vault()) {
      id = vault.add(Drafts.note("home", "the heron by the fjord")).getId();
    }
    // A rebuild cut off midway: the marker is still there and the index is half empty.
    try (RawVault raw = RawVault.open(home, created.recoveryKey());
        Statement statement = raw.connection().createStatement()) {
      statement.execute("INSERT INTO memory_fts (memory_fts) VALUES ('delete-all')");
      new MetaRows(raw.connection()).put(MetaRows.SEARCH_INDEX_STALE, new byte[] {1});
    }

    List<long[]> progress = new ArrayList<>();
    try (Vault vault =
        Vault.open(
            home, PASSPHRASE, (indexed, total) -> progress.add(new long[] {indexed, total}))) {
      assertEquals(List.of(id), ids(vault, "heron fjord"));
    }
    try (RawVault raw = RawVault.open(home, created.recoveryKey())) {
      assertNull(new MetaRows(raw.connection()).get(MetaRows.SEARCH_INDEX_STALE));
    }
    // Told from 0 to the one live memory; nothing when the next open has nothing to rebuild.
    assertEquals(List.of("0/1", "1/1"), progress.stream().map(p -> p[0] + "/" + p[1]).toList());
    progress.clear();
    Vault.open(home, PASSPHRASE, (indexed, total) -> progress.add(new long[] {indexed, total}))
        .close();
    assertEquals(List.of(), progress);
  }

  @Test
  void search_hitsMostlyMessagesOfFewConversations_stillFillsTheLimitWithDistinctResults() {
    try (Vault vault = Vault.create(dir.resolve("fold"), PASSPHRASE).vault()) {
      Set<String> expected = new HashSet<>();
      for (int c = 0; c < 3; c++) {
        String conversation = vault.add(Drafts.conversation("chats", "trip " + c)).getId();
        expected.add(conversation);
        for (int m = 0; m < 15; m++) {
          vault.add(Drafts.message("chats", conversation, m, "the wombat crossing, part " + m));
        }
      }
      for (int n = 0; n < 4; n++) {
        expected.add(vault.add(Drafts.note("home", "a note on a wombat " + n)).getId());
      }

      // 49 matching rows fold into 7 results: the first rows asked for (as many as the limit)
      // are not enough, so the search must look further.
      List<String> five = ids(vault, "wombat", 5);
      List<String> all = ids(vault, "wombat", 50);

      assertEquals(5, five.size(), five.toString());
      assertEquals(5, new HashSet<>(five).size(), "no result twice");
      assertEquals(expected, new HashSet<>(all));
      assertEquals(7, all.size());
    }
  }

  private static List<String> ids(Vault vault, String query, int limit) {
    return vault.search(query, Selection.all().limitedTo(limit)).stream()
        .map(result -> result.memory().getId())
        .toList();
  }

  private static void assertSearchMatches(Vault vault, Map<String, Expected> live, long seed) {
    for (String word : allWords()) {
      Set<String> expected = new TreeSet<>();
      live.forEach(
          (id, memory) -> {
            if (memory.words().contains(word)) {
              expected.add(id);
            }
          });
      Set<String> found = new TreeSet<>(ids(vault, word));
      assertEquals(expected, found, "search for '" + word + "'" + Seeds.context(seed));
    }
  }

  /** FTS5's own check of its index structures (totals, doclists, docsizes). */
  private static void assertIndexIntact(Connection connection, long seed) throws Exception {
    try (PreparedStatement check =
        connection.prepareStatement(
            "INSERT INTO memory_fts (memory_fts) VALUES ('integrity-check')")) {
      check.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new AssertionError(
          "FTS5 integrity-check failed: " + e.getMessage() + Seeds.context(seed), e);
    }
  }

  private static List<String> ids(Vault vault, String query) {
    return vault.search(query, Selection.all().limitedTo(Selection.MAX_LIMIT)).stream()
        .map(result -> result.memory().getId())
        .toList();
  }

  private static List<String> allWords() {
    List<String> words = new ArrayList<>(WORDS);
    words.addAll(TAGS);
    return words;
  }

  private static String sentence(SplittableRandom random) {
    int length = 1 + random.nextInt(5);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      String word = WORDS.get(random.nextInt(WORDS.size()));
      // Case and accents vary; the index folds them, so the search must still find the word.
      words.add(random.nextInt(4) == 0 ? word.toUpperCase(java.util.Locale.ROOT) : word);
    }
    return String.join(random.nextBoolean() ? " " : ", ", words);
  }

  private static List<String> tags(SplittableRandom random) {
    List<String> tags = new ArrayList<>();
    for (String tag : TAGS) {
      if (random.nextInt(3) == 0) {
        tags.add(tag);
      }
    }
    return tags;
  }

  private static Expected expected(String text, List<String> tags) {
    Set<String> words = new HashSet<>(tags);
    for (String word : text.toLowerCase(java.util.Locale.ROOT).split("[ ,]+")) {
      words.add(word);
    }
    return new Expected(words);
  }
}
