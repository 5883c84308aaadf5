package dev.memvault.sdk.sync;

/**
 * Told of a pull's progress, for a progress display: called on the syncing thread after each batch
 * of pulled changes is applied, in the same transaction as the cursor that follows it. What it is
 * told is on disk; a sync stopped at that point resumes from there.
 */
@FunctionalInterface
public interface PullListener {
  /** Ignores every batch. */
  PullListener NONE = soFar -> {};

  /**
   * A batch is applied. {@code soFar} counts this sync so far: what it pushed, what it pulled and
   * applied, and the log entry the cursor now stands at.
   */
  void batchApplied(SyncReport soFar);
}
