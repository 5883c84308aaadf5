package dev.memvault.core.sync;

/**
 * What applying a batch of remote changes did: revisions and scopes applied (whether they became
 * current or went to the history), other devices' checkpoints checked, changes skipped because this
 * device wrote them, changes this device wrote that its files no longer remembered (applied like
 * another device's), and whether one of them was a checkpoint made after this device's last
 * recorded sync: its files went back in time.
 */
public record ApplyReport(
    int revisions,
    int scopes,
    int checkpoints,
    int ownSkipped,
    int ownTakenBack,
    boolean filesWentBack) {}
