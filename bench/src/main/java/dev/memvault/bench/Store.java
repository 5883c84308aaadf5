package dev.memvault.bench;

import java.sql.SQLException;
import java.util.List;

/**
 * One system under test: something that stores documents in batches and answers a full-text query
 * with its ten best hits. The harness measures only {@link Batch#write()} and {@link #search};
 * turning documents into the store's input happens in {@link #prepare}, untimed.
 */
interface Store extends AutoCloseable {
  /** A batch ready to be written in one transaction. */
  interface Batch {
    void write() throws SQLException;
  }

  /** The name shown in the results table. */
  String name();

  Batch prepare(List<Corpus.Document> documents);

  /**
   * Runs one search for a single word and reads every column of up to ten hits.
   *
   * @return the number of hits
   */
  int search(String word) throws SQLException;

  @Override
  void close() throws SQLException;
}
