package dev.memvault.core.sync;

/**
 * What applying a batch of remote changes did: revisions and scopes applied (whether they became
 * current or went to the history), other devices' checkpoints checked, and changes skipped because
 * this device wrote them.
 */
public record ApplyReport(int revisions, int scopes, int checkpoints, int ownSkipped) {}
