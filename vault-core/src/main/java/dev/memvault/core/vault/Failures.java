package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import java.nio.file.Path;

/** The vault's failure messages that several parts raise, worded once. */
final class Failures {
  private Failures() {}

  static VaultException databaseDamaged(Path database) {
    return new VaultException.Corrupt(
        "the vault database " + database + " is damaged or was altered; restore it from a backup");
  }

  static VaultException tampered(String id) {
    return new VaultException.Corrupt(
        "memory "
            + id
            + " fails its integrity check: the vault database was altered or damaged;"
            + " restore it from a backup");
  }

  static VaultException refusedChange(String what) {
    return new VaultException.Corrupt(
        "a change from the sync server "
            + what
            + "; refusing it and everything after it"
            + " (nothing of this pull was applied)");
  }
}
