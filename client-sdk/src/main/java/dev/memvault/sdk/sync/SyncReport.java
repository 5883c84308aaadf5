package dev.memvault.sdk.sync;

/**
 * What one {@link SyncClient#sync()} did: changes pushed, log entries pulled, of which how many
 * were other devices' revisions and scopes applied here, and the log seq this device now stands at;
 * then how many changes this device wrote were no longer in its files and were taken back from the
 * server, and whether its files had gone back in time (a checkpoint it made after the last sync
 * they record came back from the server).
 */
public record SyncReport(
    int pushed,
    int pulled,
    int revisionsApplied,
    int scopesApplied,
    long seq,
    int ownTakenBack,
    boolean filesWentBack) {

  /** A sync that met nothing of this device's own that its files had lost. */
  public SyncReport(int pushed, int pulled, int revisionsApplied, int scopesApplied, long seq) {
    this(pushed, pulled, revisionsApplied, scopesApplied, seq, 0, false);
  }
}
