package dev.memvault.core.backup;

import dev.memvault.core.internal.backup.BackupFile;
import java.util.Objects;

/**
 * How to write a backup: whether an existing file may be replaced, and who hears about progress.
 * Immutable; start from {@link #defaults()}, which refuses to replace a file and reports nothing.
 */
public final class BackupOptions {
  private final boolean replaceExisting;
  private final BackupProgress progress;
  private final int segmentSize;

  private BackupOptions(boolean replaceExisting, BackupProgress progress, int segmentSize) {
    this.replaceExisting = replaceExisting;
    this.progress = progress;
    this.segmentSize = segmentSize;
  }

  public static BackupOptions defaults() {
    return new BackupOptions(false, BackupProgress.NONE, BackupFile.DEFAULT_SEGMENT_SIZE);
  }

  /** Allows the backup to replace an existing file, atomically, once the new one is complete. */
  public BackupOptions replacingExisting() {
    return new BackupOptions(true, progress, segmentSize);
  }

  public BackupOptions withProgress(BackupProgress progress) {
    return new BackupOptions(replaceExisting, Objects.requireNonNull(progress), segmentSize);
  }

  /**
   * Another segment size (4 KiB to 8 MiB); smaller segments let tests cut a small backup at many
   * segment boundaries.
   */
  public BackupOptions withSegmentSize(int segmentSize) {
    BackupFile.checkSegmentSize(segmentSize);
    return new BackupOptions(replaceExisting, progress, segmentSize);
  }

  public boolean replaceExisting() {
    return replaceExisting;
  }

  public BackupProgress progress() {
    return progress;
  }

  /** Bytes per authenticated segment of the backup file. */
  public int segmentSize() {
    return segmentSize;
  }

  @Override
  public String toString() {
    return "BackupOptions[replaceExisting="
        + replaceExisting
        + ", segmentSize="
        + segmentSize
        + "]";
  }
}
