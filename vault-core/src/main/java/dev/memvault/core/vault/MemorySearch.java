package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.store.FtsQuery;
import dev.memvault.core.internal.store.MemoryFilter;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.Snippet;
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
 * Full-text search over the contentless FTS5 index, best match first. A hit in a message is shown
 * as its conversation, once.
 */
final class MemorySearch {
  /** Words in a search hit's snippet. */
  private static final int SNIPPET_WORDS = 16;

  /** Search rows looked at, at most, for one search (hits folding into conversations). */
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
   * @throws VaultException.InvalidInput if the query has no searchable characters
   */
  List<SearchResult> search(String query, Selection selection) throws SQLException {
    String match =
        FtsQuery.from(query)
            .orElseThrow(
                () -> new VaultException.InvalidInput("the search has no words to look for"));
    List<FtsQuery.Term> terms = FtsQuery.terms(query);
    Map<String, SearchResult> results = new LinkedHashMap<>();
    // Rows as many as will be shown first: each row is a lookup in the memories table, often a
    // page read and decrypted. Only when hits fold into conversations already shown does the
    // search look further, in growing steps.
    MemoryFilter filter = reads.filter(selection);
    int offset = 0;
    int step = selection.limit();
    while (results.size() < selection.limit() && step > 0) {
      List<MemoryRows.SearchRow> rows = memories.search(match, filter, step, offset);
      for (MemoryRows.SearchRow row : rows) {
        if (results.size() == selection.limit()) {
          break;
        }
        addResult(results, row, terms);
      }
      if (rows.size() < step) {
        break;
      }
      offset += rows.size();
      step = Math.min(step * 4, MAX_SEARCH_ROWS - offset);
    }
    return new ArrayList<>(results.values());
  }

  /** Adds a hit unless its memory (or, for a message, its conversation) is shown already. */
  private void addResult(
      Map<String, SearchResult> results, MemoryRows.SearchRow row, List<FtsQuery.Term> terms)
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
    String snippet = Snippet.of(MemoryRules.searchText(matched), terms, SNIPPET_WORDS);
    results.put(shownId, new SearchResult(shown, snippet, row.score()));
  }
}
