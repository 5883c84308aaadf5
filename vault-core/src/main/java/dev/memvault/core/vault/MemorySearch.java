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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Search, best match first. By words: the contentless FTS5 index, memories with every word of the
 * query (in any of its forms), then, while there is room, memories with some of them, by bm25. By
 * meaning, once the vault is indexed for it (MeaningSearch): the memories nearest the query's
 * embedding. Memories with every word and memories near in meaning are fused by reciprocal rank
 * (each ranking gives 1 / (60 + rank)), so a memory both find comes first, and a memory found only
 * by meaning reaches the results when the query shares no word with it. Memories with only some of
 * the words come after those: that is weak evidence next to meaning (a question in other words
 * shares a stray word with many memories), and ranking it beside meaning lost a tenth of the
 * labelled paraphrase queries' recall (docs/SEARCH.md). A hit in a message is shown as its
 * conversation, once.
 *
 * <p>Rankings are made of rows, not of decrypted memories: only the results shown are opened, which
 * is most of a search's cost. The query is embedded while the words are searched.
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

  /** Hits in one conversation's messages kept beside its best one, at most. */
  private static final int MAX_OTHER_HITS = 8;

  /**
   * A hit, not opened yet: the row that matched and the id of the memory it is shown as; for a
   * conversation, its other matching messages in rank order, since the best one may be on a branch
   * the person moved away from.
   */
  private record Candidate(
      String shownId, StoredMemory hit, double score, List<StoredMemory> otherHits) {
    Candidate(String shownId, StoredMemory hit, double score) {
      this(shownId, hit, score, new ArrayList<>());
    }

    Candidate scored(double value) {
      return new Candidate(shownId, hit, value, otherHits);
    }
  }

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
    MeaningSearch.Started embedding = meaning.start(query);
    List<Candidate> allWords = new ArrayList<>();
    List<Candidate> someWords = new ArrayList<>();
    byWords(parsed, filter, embedding.embeds() ? depth : limit, allWords, someWords);
    MeaningSearch.Found near = meaning.nearest(embedding, filter, depth);
    if (near.hits().isEmpty()) {
      allWords.addAll(someWords);
      return new SearchReport(open(allWords, parsed, limit), near.use());
    }
    Map<String, Candidate> byMeaning = new LinkedHashMap<>();
    for (MeaningSearch.Near hit : near.hits()) {
      if (byMeaning.size() == depth) {
        break;
      }
      Candidate candidate = candidate(hit.memory(), -hit.similarity());
      byMeaning.putIfAbsent(candidate.shownId(), candidate);
    }
    List<Candidate> ranked = fuse(allWords, new ArrayList<>(byMeaning.values()));
    Set<String> fused = new HashSet<>();
    ranked.forEach(candidate -> fused.add(candidate.shownId()));
    for (Candidate candidate : someWords) {
      if (fused.add(candidate.shownId())) {
        ranked.add(candidate);
      }
    }
    return new SearchReport(open(ranked, parsed, limit), near.use());
  }

  /**
   * Memories found by words, best first, until {@code limit} distinct shown memories: those with
   * every word into {@code allWords}, then those with some into {@code someWords}.
   */
  private void byWords(
      SearchQuery parsed,
      MemoryFilter filter,
      int limit,
      List<Candidate> allWords,
      List<Candidate> someWords)
      throws SQLException {
    Map<String, Candidate> seen = new LinkedHashMap<>();
    collect(parsed.allTerms(), filter, limit, seen, allWords);
    Optional<String> anyTerm = parsed.anyTerm();
    if (seen.size() < limit && anyTerm.isPresent()) {
      collect(anyTerm.get(), filter, limit, seen, someWords);
    }
  }

  /**
   * Two rankings made one by reciprocal rank fusion: a candidate gets 1 / (60 + rank) from each
   * ranking it is in (rank from 1), and its score is minus the sum (lower is better, as bm25's).
   * Ties keep the words ranking's order, then the meaning ranking's.
   */
  private static List<Candidate> fuse(List<Candidate> byWords, List<Candidate> byMeaning) {
    Map<String, Double> fused = new HashMap<>();
    Map<String, Candidate> first = new LinkedHashMap<>();
    for (List<Candidate> ranking : List.of(byWords, byMeaning)) {
      for (int rank = 0; rank < ranking.size(); rank++) {
        Candidate candidate = ranking.get(rank);
        fused.merge(candidate.shownId(), 1.0 / (FUSION_RANK_OFFSET + rank + 1), Double::sum);
        first.putIfAbsent(candidate.shownId(), candidate);
      }
    }
    List<Candidate> ordered = new ArrayList<>();
    for (Candidate candidate : first.values()) {
      ordered.add(candidate.scored(-fused.get(candidate.shownId())));
    }
    ordered.sort(Comparator.comparingDouble(Candidate::score));
    return ordered;
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
   * Adds the hits of one FTS5 query, best first, to {@code into} until {@code seen} holds {@code
   * limit} shown memories. Rows as many as will be shown first; only when hits fold into memories
   * already seen does the search look further, in growing steps.
   */
  private void collect(
      String match,
      MemoryFilter filter,
      int limit,
      Map<String, Candidate> seen,
      List<Candidate> into)
      throws SQLException {
    int offset = 0;
    int step = limit;
    while (seen.size() < limit && step > 0) {
      List<MemoryRows.SearchRow> rows = memories.search(match, filter, step, offset);
      for (MemoryRows.SearchRow row : rows) {
        if (seen.size() == limit) {
          break;
        }
        Candidate candidate = candidate(row.memory(), row.score());
        Candidate earlier = seen.putIfAbsent(candidate.shownId(), candidate);
        if (earlier == null) {
          into.add(candidate);
        } else if (earlier.otherHits().size() < MAX_OTHER_HITS) {
          earlier.otherHits().add(candidate.hit());
        }
      }
      if (rows.size() < step) {
        break;
      }
      offset += rows.size();
      step = Math.min(step * 4, MAX_SEARCH_ROWS - offset);
    }
  }

  private static Candidate candidate(StoredMemory hit, double score) {
    String shownId = hit.kind() == Kind.MESSAGE_VALUE ? hit.conversationId() : hit.id();
    return new Candidate(shownId, hit, score);
  }

  /**
   * The best matching message of a conversation on its visible thread, if one of the other hits is;
   * else the best one. An edit or regeneration the person moved away from is shown only when
   * nothing they kept matches.
   */
  private Memory onVisibleThread(Memory best, List<StoredMemory> otherHits) throws SQLException {
    if (best.getMessage().getBranch().isEmpty()) {
      return best;
    }
    for (StoredMemory other : otherHits) {
      Memory message = records.open(other);
      if (message.getMessage().getBranch().isEmpty()) {
        return message;
      }
    }
    return best;
  }

  /**
   * The first {@code limit} candidates opened, with their snippets; a message whose conversation is
   * gone is passed over.
   */
  private List<SearchResult> open(List<Candidate> ranked, SearchQuery query, int limit)
      throws SQLException {
    List<SearchResult> results = new ArrayList<>();
    for (Candidate candidate : ranked) {
      if (results.size() == limit) {
        break;
      }
      StoredMemory hit = candidate.hit();
      Memory matched = records.open(hit);
      Memory shown = matched;
      if (hit.kind() == Kind.MESSAGE_VALUE) {
        matched = onVisibleThread(matched, candidate.otherHits());
        Optional<StoredMemory> conversation = memories.find(candidate.shownId());
        if (conversation.isEmpty() || conversation.get().deleted()) {
          continue;
        }
        shown = records.open(conversation.get());
      }
      String snippet = Snippet.of(MemoryRules.searchText(matched), query, SNIPPET_WORDS);
      results.add(new SearchResult(shown, snippet, candidate.score(), matched));
    }
    return results;
  }
}
