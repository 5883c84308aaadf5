package dev.memvault.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Search latency for single words of one document-frequency class. Every store runs the same
 * queries; for each query the stores take turns, in an order that rotates, so that noise falls on
 * all of them alike. Warm-up queries use other words than the measured ones where the class has
 * enough, so that the measured ones do not find their pages cached by the warm-up.
 */
final class SearchBenchmark {
  /** A class of query words by the number of documents they occur in. */
  record TermClass(
      String name,
      int minDf,
      int maxDf,
      int candidates,
      List<String> warmup,
      List<String> measured,
      Samples measuredDf) {}

  /** The latencies of one store for one class, and the total hits it returned. */
  record Result(String store, TermClass terms, Samples nanos, long hits) {}

  private SearchBenchmark() {}

  static TermClass select(
      String name,
      int minDf,
      int maxDf,
      int[] df,
      Corpus corpus,
      int warmup,
      int measured,
      long seed) {
    List<Integer> ranks = new ArrayList<>();
    for (int rank = 0; rank < df.length; rank++) {
      if (df[rank] >= minDf && df[rank] <= maxDf && corpus.isPlainQueryTerm(rank)) {
        ranks.add(rank);
      }
    }
    if (ranks.isEmpty()) {
      throw new IllegalStateException(
          "no " + name + " terms with df in [" + minDf + ", " + maxDf + "]");
    }
    Random random = new Random(seed ^ name.hashCode());
    List<Integer> chosen = new ArrayList<>();
    int needed = warmup + measured;
    if (ranks.size() >= needed) {
      Collections.shuffle(ranks, random);
      chosen.addAll(ranks.subList(0, needed));
    } else {
      for (int i = 0; i < needed; i++) {
        chosen.add(ranks.get(random.nextInt(ranks.size())));
      }
    }
    List<String> words = new ArrayList<>();
    Samples measuredDf = new Samples();
    for (int i = 0; i < chosen.size(); i++) {
      words.add(corpus.token(chosen.get(i)));
      if (i >= warmup) {
        measuredDf.add(df[chosen.get(i)]);
      }
    }
    return new TermClass(
        name,
        minDf,
        maxDf,
        ranks.size(),
        words.subList(0, warmup),
        words.subList(warmup, words.size()),
        measuredDf);
  }

  /** Runs the warm-up words of a class on every store, unmeasured. */
  static void warmUp(List<? extends Store> stores, TermClass terms) throws SQLException {
    for (String word : terms.warmup()) {
      for (Store store : stores) {
        store.search(word);
      }
    }
  }

  static List<Result> run(List<? extends Store> stores, TermClass terms) throws SQLException {
    List<Samples> samples = new ArrayList<>();
    long[] hits = new long[stores.size()];
    for (int i = 0; i < stores.size(); i++) {
      samples.add(new Samples());
    }
    for (int q = 0; q < terms.measured().size(); q++) {
      String word = terms.measured().get(q);
      for (int turn = 0; turn < stores.size(); turn++) {
        int which = (q + turn) % stores.size();
        long start = System.nanoTime();
        int found = stores.get(which).search(word);
        samples.get(which).add(System.nanoTime() - start);
        hits[which] += found;
      }
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < stores.size(); i++) {
      results.add(new Result(stores.get(i).name(), terms, samples.get(i), hits[i]));
    }
    return results;
  }
}
