package dev.memvault.sdk.portable.context;

import dev.memvault.core.VaultException;
import java.util.List;

/**
 * What a context block is for: the query it should match, the scopes to draw from (none means every
 * scope), at most how many memories it lists, and at most how many characters it has.
 */
public record ContextRequest(String query, List<String> scopes, int limit, int maxChars) {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 1000;
  public static final int DEFAULT_MAX_CHARS = 4000;

  /** Room for the header and one short line. */
  public static final int MIN_MAX_CHARS = 100;

  /**
   * @throws VaultException.InvalidInput if the limit or the character budget is out of range
   */
  public ContextRequest {
    scopes = List.copyOf(scopes);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new VaultException.InvalidInput("the limit must be between 1 and " + MAX_LIMIT);
    }
    if (maxChars < MIN_MAX_CHARS) {
      throw new VaultException.InvalidInput(
          "the block needs at least " + MIN_MAX_CHARS + " characters");
    }
  }

  /** Every scope, the default limit and budget. */
  public static ContextRequest of(String query) {
    return new ContextRequest(query, List.of(), DEFAULT_LIMIT, DEFAULT_MAX_CHARS);
  }

  public ContextRequest inScopes(List<String> value) {
    return new ContextRequest(query, value, limit, maxChars);
  }

  public ContextRequest limitedTo(int value) {
    return new ContextRequest(query, scopes, value, maxChars);
  }

  public ContextRequest withMaxChars(int value) {
    return new ContextRequest(query, scopes, limit, value);
  }

  @Override
  public String toString() {
    return "ContextRequest[scopes=" + scopes + ", limit=" + limit + ", maxChars=" + maxChars + "]";
  }
}
