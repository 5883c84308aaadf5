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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Search, best match first. By words: the contentless FTS5 index, memories with every word of the
 * query (in any of its forms), then, while there is room, memories with some of them, by bm25. By
 * meaning, once the vault is indexed for it (MeaningSearch): the memories nearest the query's
 * embedding. The two rankings are fused by reciprocal rank (each list gives 1 / (60 + rank)), so a
 * memory both find comes first, and a memory found only by meaning still reaches the results when
 * the query shares no word with it. A hit in a message is shown as its conversation, once.
 */
final class MemorySearch {
  /** Words in a search hit's snippet. */
  private static final int SNIPPET_WORDS = 16;

  /** Search rows looked at, at most, for one FTS5 query (hits folding into conversations). */
  private static final int MAX_SEARCH_ROWS = 40_000;

  /** The rank offset of reciprocal rank fusion: how flat the credit for a rank falls off. */
  static final int FUSION_RANK_OFFSET = 60;

  /** Results taken from each ranking before fusing, at least. */
  static final int FUSION_DEPTH = 20;

  private final MemoryRows memories;
  private final MemoryReads reads;
  private final Records records;
  private final MeaningSearch meaning;

  MemorySearch(MemoryRows memories, MemoryReads reads, Records records, MeaningSearch meaning) {
    this.memories = memories;
    this.reads = reads;
    this.records = records;
    this.meaning = meaning;
  }

  /**
   * @throws dev.memvault.core.VaultException.InvalidInput if the query has no searchable words,
   *     only stop words, or is too long
   */
  SearchReport search(String query, Selection selection) throws SQLException {
    SearchQuery parsed = SearchQuery.parse(query);
    MemoryFilter filter = reads.filter(selection);
    int limit = selection.limit();
    int depth = Math.max(limit, FUSION_DEPTH);
    MeaningSearch.Found near = meaning.nearest(query, filter, depth);
    if (near.hits().isEmpty()) {
      return new SearchReport(byWords(parsed, filter, limit), near.use());
    }
    List<SearchResult> words = byWords(parsed, filter, depth);
    Map<String, SearchResult> byMeaning = new LinkedHashMap<>();
    for (MeaningSearch.Near hit : near.hits()) {
      if (byMeaning.size() == depth) {
        break;
      }
      addResult(byMeaning, hit.memory(), -hit.similarity(), parsed);
    }
    return new SearchReport(fuse(words, new ArrayList<>(byMeaning.values()), limit), near.use());
  }

  /** Memories found by words alone, best first. */
  private List<SearchResult> byWords(SearchQuery parsed, MemoryFilter filter, int limit)
      throws SQLException {
    Map<String, SearchResult> results = new LinkedHashMap<>();
    collect(parsed.allTerms(), parsed, filter, limit, results);
    Optional<String> anyTerm = parsed.anyTerm();
    if (results.size() < limit && anyTerm.isPresent()) {
      collect(anyTerm.get(), parsed, filter, limit, results);
    }
    return new ArrayList<>(results.values());
  }

  /**
   * The best {@code limit} of two rankings by reciprocal rank fusion; a result's score is minus its
   * fused score (lower is better, as bm25's), and its snippet the words ranking's when both have it
   * (that one marks the matching words).
   */
  static List<SearchResult> fuse(
      List<SearchResult> byWords, List<SearchResult> byMeaning, int limit) {
    Map<String, Double> fused = new HashMap<>();
    Map<String, SearchResult> shown = new LinkedHashMap<>();
    for (List<SearchResult> ranking : List.of(byWords, byMeaning)) {
      for (int rank = 0; rank < ranking.size(); rank++) {
        SearchResult result = ranking.get(rank);
        String id = result.memory().getId();
        fused.merge(id, 1.0 / (FUSION_RANK_OFFSET + rank + 1), Double::sum);
        shown.putIfAbsent(id, result);
      }
    }
    List<SearchResult> ordered = new ArrayList<>();
    for (SearchResult result : shown.values()) {
      double score = fused.get(result.memory().getId());
      ordered.add(new SearchResult(result.memory(), result.markedSnippet(), -score));
    }
    // Stable: equal scores keep the words ranking's order, then the meaning ranking's.
    ordered.sort(Comparator.comparingDouble(SearchResult::score));
    return ordered.size() > limit ? new ArrayList<>(ordered.subList(0, limit)) : ordered;
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
        addResult(results, row.memory(), row.score(), query);
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
      Map<String, SearchResult> results, StoredMemory hit, double score, SearchQuery query)
      throws SQLException {
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
    results.put(shownId, new SearchResult(shown, snippet, score));
  }
}
