package dev.memvault.cli.mcp;

/**
 * A request an assistant made that cannot be done, with a message written here (never a vault's or
 * a library's text) that is safe to show it: it names nothing outside the served scopes. The
 * caller's fault; the tool answers with the message as an error result.
 */
public final class ToolError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ToolError(String message) {
    super(message);
  }
}
