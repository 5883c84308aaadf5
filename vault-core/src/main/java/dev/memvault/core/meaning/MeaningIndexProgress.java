package dev.memvault.core.meaning;

/** Told how far indexing for meaning has come, after each stored batch. */
@FunctionalInterface
public interface MeaningIndexProgress {
  MeaningIndexProgress NONE = (indexed, total) -> {};

  /**
   * @param indexed memories given a vector so far in this run
   * @param total memories that lacked one when the run started
   */
  void indexed(long indexed, long total);
}
