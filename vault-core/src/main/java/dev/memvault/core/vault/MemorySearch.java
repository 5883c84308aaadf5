package dev.memvault.core.vault;

import dev.memvault.core.internal.search.SearchQuery;
import dev.memvault.core.internal.search.Snippet;
import dev.memvault.core.internal.search.Spelling;
import dev.memvault.core.internal.store.MemoryFilter;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Search over the contentless FTS5 index, best match first: memories with every word of the query
 * (in any of its forms), then, while there is room, memories with some of them, by bm25. A hit in a
 * message is shown as its conversation, once.
 */
final class MemorySearch {
  /** Words in a search hit's snippet. */
  private static final int SNIPPET_WORDS = 16;

  /** Search rows looked at, at most, for one FTS5 query (hits folding into conversations). */
  private static final int MAX_SEARCH_ROWS = 40_000;

  private final MemoryRows memories;
  private final MemoryReads reads;
  private final Records records;

  MemorySearch(MemoryRows memories, MemoryReads reads, Records records) {
    this.memories = memories;
    this.reads = reads;
    this.records = records;
  }

  /**
   * @throws dev.memvault.core.VaultException.InvalidInput if the query has no searchable words,
   *     only stop words, or is too long
   */
  List<SearchResult> search(String query, Selection selection) throws SQLException {
    SearchQuery parsed = SearchQuery.parse(query);
    Map<String, SearchResult> results = new LinkedHashMap<>();
    MemoryFilter filter = reads.filter(selection);
    collect(parsed.allTerms(), parsed, filter, selection.limit(), results);
    Optional<String> anyTerm = parsed.anyTerm();
    if (results.size() < selection.limit() && anyTerm.isPresent()) {
      collect(anyTerm.get(), parsed, filter, selection.limit(), results);
    }
    return new ArrayList<>(results.values());
  }

  /**
   * The query with each word that no memory holds in any form replaced by the nearest word that
   * memories hold, or empty when every word is known or none is near.
   */
  Optional<String> spellingSuggestion(String query) throws SQLException {
    SearchQuery parsed = SearchQuery.parse(query);
    return Spelling.suggest(
        parsed,
        new Spelling.Vocabulary() {
          @Override
          public boolean matches(String match) throws SQLException {
            return memories.anyMatch(match);
          }

          @Override
          public List<Spelling.Word> wordsStartingWith(String prefix) throws SQLException {
            return memories.wordsStartingWith(prefix).stream()
                .map(w -> new Spelling.Word(w.text(), w.memories()))
                .toList();
          }
        });
  }

  /**
   * Adds the hits of one FTS5 query, best first, until {@code limit} results. Rows as many as will
   * be shown first: each row is a lookup in the memories table, often a page read and decrypted.
   * Only when hits fold into results already shown does the search look further, in growing steps.
   */
  private void collect(
      String match,
      SearchQuery query,
      MemoryFilter filter,
      int limit,
      Map<String, SearchResult> results)
      throws SQLException {
    int offset = 0;
    int step = limit;
    while (results.size() < limit && step > 0) {
      List<MemoryRows.SearchRow> rows = memories.search(match, filter, step, offset);
      for (MemoryRows.SearchRow row : rows) {
        if (results.size() == limit) {
          break;
        }
        addResult(results, row, query);
      }
      if (rows.size() < step) {
        break;
      }
      offset += rows.size();
      step = Math.min(step * 4, MAX_SEARCH_ROWS - offset);
    }
  }

  /** Adds a hit unless its memory (or, for a message, its conversation) is shown already. */
  private void addResult(
      Map<String, SearchResult> results, MemoryRows.SearchRow row, SearchQuery query)
      throws SQLException {
    StoredMemory hit = row.memory();
    String shownId = hit.kind() == Kind.MESSAGE_VALUE ? hit.conversationId() : hit.id();
    if (results.containsKey(shownId)) {
      return;
    }
    Memory matched = records.open(hit);
    Memory shown = matched;
    if (hit.kind() == Kind.MESSAGE_VALUE) {
      Optional<StoredMemory> conversation = memories.find(shownId);
      if (conversation.isEmpty() || conversation.get().deleted()) {
        return;
      }
      shown = records.open(conversation.get());
    }
    String snippet = Snippet.of(MemoryRules.searchText(matched), query, SNIPPET_WORDS);
    results.put(shownId, new SearchResult(shown, snippet, row.score()));
  }
}
