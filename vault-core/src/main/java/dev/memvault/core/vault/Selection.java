package dev.memvault.core.vault;

import dev.memvault.proto.v1.Kind;
import java.time.Instant;
import java.util.Optional;

/**
 * Which memories to list or search, in the user's terms (a scope name, not a scope id). Empty
 * fields do not filter.
 */
public record Selection(
    Optional<String> scope,
    Optional<Kind> kind,
    Optional<String> tag,
    Optional<Instant> createdFrom,
    Optional<Instant> createdBefore,
    int limit) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 10_000;

  public Selection {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    }
  }

  public static Selection all() {
    return new Selection(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_LIMIT);
  }

  public Selection inScope(String value) {
    return new Selection(Optional.of(value), kind, tag, createdFrom, createdBefore, limit);
  }

  public Selection ofKind(Kind value) {
    return new Selection(scope, Optional.of(value), tag, createdFrom, createdBefore, limit);
  }

  public Selection taggedWith(String value) {
    return new Selection(scope, kind, Optional.of(value), createdFrom, createdBefore, limit);
  }

  public Selection createdFrom(Instant value) {
    return new Selection(scope, kind, tag, Optional.of(value), createdBefore, limit);
  }

  public Selection createdBefore(Instant value) {
    return new Selection(scope, kind, tag, createdFrom, Optional.of(value), limit);
  }

  public Selection limitedTo(int value) {
    return new Selection(scope, kind, tag, createdFrom, createdBefore, value);
  }
}
