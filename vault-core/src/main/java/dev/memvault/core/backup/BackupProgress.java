package dev.memvault.core.backup;

/**
 * Told how far a backup has got, for a progress display. Called on the thread that writes the
 * backup, every few hundred rows and once at the end; it must not call back into the vault.
 */
@FunctionalInterface
public interface BackupProgress {
  /** Reports nothing. */
  BackupProgress NONE = (copied, total) -> {};

  /**
   * @param copied database rows written to the backup so far
   * @param total rows the backup will hold
   */
  void rowsCopied(long copied, long total);
}
