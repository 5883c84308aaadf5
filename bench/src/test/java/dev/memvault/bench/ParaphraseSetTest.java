package dev.memvault.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.bench.ParaphraseSet.ParaphrasePair;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.search.DocumentTerms;
import dev.memvault.core.internal.search.SearchQuery;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rules of the labelled sets for search by meaning. "Shares no word" is judged by the vault's
 * own keyword search: each memory is indexed as the vault indexes it (DocumentTerms of its text and
 * of its tags, in an FTS5 table made as the vault's) and its query, parsed as the vault parses it,
 * must not match it, not even by one word's stem in another language.
 */
class ParaphraseSetTest {
  private static final Map<String, Integer> SIZES =
      Map.of(ParaphraseSet.TUNING, 80, ParaphraseSet.HELD_OUT, 50);
  private static final Set<String> KINDS = Set.of("fact", "preference", "note", "instruction");

  private static final List<ParaphrasePair> TUNING = ParaphraseSet.load(ParaphraseSet.TUNING);
  private static final List<ParaphrasePair> HELD_OUT = ParaphraseSet.load(ParaphraseSet.HELD_OUT);

  @Test
  void load_eachSet_hasItsSize() {
    assertEquals(SIZES.get(ParaphraseSet.TUNING), TUNING.size(), ParaphraseSet.TUNING);
    assertEquals(SIZES.get(ParaphraseSet.HELD_OUT), HELD_OUT.size(), ParaphraseSet.HELD_OUT);
  }

  @Test
  void pairs_everyPair_hasMemoryQueryTagsAndKnownKind() {
    for (ParaphrasePair pair : bothSets()) {
      assertTrue(hasText(pair.memory()), "no memory: " + pair);
      assertTrue(hasText(pair.query()), "no query: " + pair);
      assertTrue(KINDS.contains(pair.kind()), "kind not one of " + KINDS + ": " + pair);
      assertTrue(pair.tags().stream().allMatch(ParaphraseSetTest::hasText), "empty tag: " + pair);
    }
  }

  @Test
  void memories_bothSets_noneRepeated() {
    Set<String> seen = new HashSet<>();
    for (ParaphrasePair pair : bothSets()) {
      assertTrue(seen.add(normalized(pair.memory())), "memory repeated: " + pair.memory());
    }
  }

  @Test
  void queries_bothSets_noneRepeatedNorInBothSets() {
    Set<String> seen = new HashSet<>();
    for (ParaphrasePair pair : bothSets()) {
      assertTrue(seen.add(normalized(pair.query())), "query repeated: " + pair.query());
    }
  }

  @Test
  void query_everyPair_hasWordsKeywordSearchLooksFor() {
    for (ParaphrasePair pair : bothSets()) {
      try {
        SearchQuery.parse(pair.query());
      } catch (VaultException.InvalidInput e) {
        throw new AssertionError("query '" + pair.query() + "': " + e.getMessage(), e);
      }
    }
  }

  @Test
  void query_everyPair_matchesNoWordOfItsMemory() throws SQLException {
    List<String> failures = new ArrayList<>();
    try (KeywordIndex index = new KeywordIndex()) {
      for (ParaphrasePair pair : bothSets()) {
        List<String> shared = index.sharedWords(pair);
        if (!shared.isEmpty()) {
          failures.add("'" + pair.query() + "' shares " + shared + " with '" + pair.memory() + "'");
        }
      }
    }
    assertTrue(
        failures.isEmpty(),
        failures.size() + " queries find their memory by words:\n" + String.join("\n", failures));
  }

  @Test
  void sharedWords_queryWordWithAFormOfAMemoryWord_reported() throws SQLException {
    try (KeywordIndex index = new KeywordIndex()) {
      assertShares("English stem", "Penicillin gives me hives.", List.of(), "penicillins?", index);
      assertShares("a tag", "Penicillin gives me hives.", List.of("allergy"), "allergies", index);
      assertShares(
          "French stem of the query word, English stem of the memory's",
          "I am allergic to penicillin.",
          List.of(),
          "allergies",
          index);
      assertShares(
          "German stem of a German memory's word",
          "Ich bin gegen Nüsse allergisch.",
          List.of(),
          "Nuss",
          index);
      assertShares("accents folded", "Meet at the café.", List.of(), "cafe", index);
    }
  }

  private static void assertShares(
      String how, String memory, List<String> tags, String word, KeywordIndex index)
      throws SQLException {
    ParaphrasePair pair = new ParaphrasePair(memory, "fact", tags, "what " + word);
    assertEquals(List.of(word), index.sharedWords(pair), how);
  }

  @Test
  void sharedWords_queryInOtherWords_none() throws SQLException {
    try (KeywordIndex index = new KeywordIndex()) {
      assertEquals(
          List.of(),
          index.sharedWords(
              new ParaphrasePair(
                  "Penicillin gives me hives.",
                  "fact",
                  List.of("health"),
                  "what drug allergy do I have?")));
    }
  }

  private static List<ParaphrasePair> bothSets() {
    List<ParaphrasePair> pairs = new ArrayList<>(TUNING);
    pairs.addAll(HELD_OUT);
    return pairs;
  }

  private static boolean hasText(String text) {
    return text != null && !text.isBlank();
  }

  private static String normalized(String text) {
    return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /**
   * One memory at a time in an in-memory FTS5 table with the columns and tokenizer of the vault's
   * memory_fts (Migrations; it keeps its content, which changes nothing that MATCH finds), filled
   * as the vault fills it (MemoryIndexing: the forms of the text and of the tags in one column),
   * and searched with the FTS5 expression the vault ranks by bm25 for a query.
   */
  private static final class KeywordIndex implements AutoCloseable {
    private final Connection connection;

    KeywordIndex() throws SQLException {
      connection = DriverManager.getConnection("jdbc:sqlite::memory:");
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE VIRTUAL TABLE memory_fts USING fts5("
                + " text, tags, forms, tokenize = 'unicode61 remove_diacritics 2')");
      }
    }

    /** The words of the pair's query that find its memory by keyword search; empty if none. */
    List<String> sharedWords(ParaphrasePair pair) throws SQLException {
      index(pair);
      List<String> shared = new ArrayList<>();
      if (!matches(SearchQuery.parse(pair.query()))) {
        return shared;
      }
      for (String word : pair.query().split("\\s+")) {
        SearchQuery single;
        try {
          single = SearchQuery.parse(word);
        } catch (VaultException.InvalidInput e) {
          continue; // a stop word or punctuation: nothing searched for
        }
        if (matches(single)) {
          shared.add(word);
        }
      }
      if (shared.isEmpty()) {
        shared.add(pair.query()); // found only as a whole, which no query word explains
      }
      return shared;
    }

    private void index(ParaphrasePair pair) throws SQLException {
      DocumentTerms text = DocumentTerms.of(pair.memory());
      DocumentTerms tags = DocumentTerms.of(String.join(" ", pair.tags()));
      try (Statement statement = connection.createStatement()) {
        statement.execute("DELETE FROM memory_fts");
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO memory_fts (rowid, text, tags, forms) VALUES (1, ?, ?, ?)")) {
        insert.setString(1, text.words());
        insert.setString(2, tags.words());
        insert.setString(3, (text.forms() + " " + tags.forms()).strip());
        insert.executeUpdate();
      }
    }

    /**
     * Whether any one term of the query matches the memory, as the vault's ranking by bm25 asks.
     */
    private boolean matches(SearchQuery query) throws SQLException {
      String anyTerm = query.anyTerm().orElse(query.allTerms());
      try (PreparedStatement select =
          connection.prepareStatement("SELECT count(*) FROM memory_fts WHERE memory_fts MATCH ?")) {
        select.setString(1, anyTerm);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          return rows.getInt(1) > 0;
        }
      }
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }
}
