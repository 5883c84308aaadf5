package dev.memvault.sdk.portable.provider.internal;

/**
 * The file as a whole cannot be read on: not JSON, not a list of conversations, cut short, or an
 * I/O failure. The message names the file and where in it; the import stops.
 */
public final class UnreadableExport extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnreadableExport(String message, Throwable cause) {
    super(message, cause);
  }
}
