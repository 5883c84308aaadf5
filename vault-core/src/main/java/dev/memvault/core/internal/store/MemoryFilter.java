package dev.memvault.core.internal.store;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Which memories a listing or search returns. Empty fields do not filter. Messages of conversations
 * are left out of listings unless {@code kind} asks for them.
 */
public record MemoryFilter(
    Optional<byte[]> scopeId,
    OptionalInt kind,
    Optional<String> tag,
    OptionalLong createdFromMillis,
    OptionalLong createdBeforeMillis,
    int limit) {

  public static final int DEFAULT_LIMIT = 50;

  public static MemoryFilter all() {
    return new MemoryFilter(
        Optional.empty(),
        OptionalInt.empty(),
        Optional.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        DEFAULT_LIMIT);
  }

  public MemoryFilter withScopeId(byte[] value) {
    return new MemoryFilter(
        Optional.of(value), kind, tag, createdFromMillis, createdBeforeMillis, limit);
  }

  public MemoryFilter withKind(int value) {
    return new MemoryFilter(
        scopeId, OptionalInt.of(value), tag, createdFromMillis, createdBeforeMillis, limit);
  }

  public MemoryFilter withTag(String value) {
    return new MemoryFilter(
        scopeId, kind, Optional.of(value), createdFromMillis, createdBeforeMillis, limit);
  }

  public MemoryFilter withCreatedFrom(long millis) {
    return new MemoryFilter(
        scopeId, kind, tag, OptionalLong.of(millis), createdBeforeMillis, limit);
  }

  public MemoryFilter withCreatedBefore(long millis) {
    return new MemoryFilter(scopeId, kind, tag, createdFromMillis, OptionalLong.of(millis), limit);
  }

  public MemoryFilter withLimit(int value) {
    return new MemoryFilter(scopeId, kind, tag, createdFromMillis, createdBeforeMillis, value);
  }
}
