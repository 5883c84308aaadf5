package dev.memvault.sdk.sync;

/**
 * What one {@link SyncClient#sync()} did: changes pushed, log entries pulled, of which how many
 * were other devices' revisions and scopes applied here, and the log seq this device now stands at.
 */
public record SyncReport(
    int pushed, int pulled, int revisionsApplied, int scopesApplied, long seq) {}
