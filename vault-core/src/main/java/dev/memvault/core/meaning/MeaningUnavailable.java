package dev.memvault.core.meaning;

import dev.memvault.core.VaultException;

/** The embedding model could not be loaded or run; search falls back to words. */
public final class MeaningUnavailable extends VaultException {
  private static final long serialVersionUID = 1L;

  public MeaningUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
