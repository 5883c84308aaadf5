package dev.memvault.core.vault;

/**
 * A newly created vault and its recovery key, which exists in readable form only here: show it to
 * the person once, then drop it.
 */
public record CreatedVault(Vault vault, String recoveryKey) {
  @Override
  public String toString() {
    return "CreatedVault[" + vault + ", recoveryKey=redacted]";
  }
}
