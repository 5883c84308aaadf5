package dev.memvault.sdk;

import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import java.util.List;
import java.util.Map;

/**
 * What an application supplies to add a memory; the vault assigns the id, timestamps and revision.
 * {@code toString} leaves the text out, since memories are private.
 */
public record NewMemory(
    String scope,
    Kind kind,
    String text,
    List<String> tags,
    Map<String, String> attributes,
    Source source) {

  public NewMemory {
    tags = List.copyOf(tags);
    attributes = Map.copyOf(attributes);
  }

  /** A note with no tags, attributes or source, written by the user. */
  public static NewMemory of(String scope, Kind kind, String text) {
    return new NewMemory(scope, kind, text, List.of(), Map.of(), Source.getDefaultInstance());
  }

  public NewMemory withTags(List<String> value) {
    return new NewMemory(scope, kind, text, value, attributes, source);
  }

  public NewMemory withAttributes(Map<String, String> value) {
    return new NewMemory(scope, kind, text, tags, value, source);
  }

  public NewMemory withSource(Source value) {
    return new NewMemory(scope, kind, text, tags, attributes, value);
  }

  Memory toDraft() {
    return Memory.newBuilder()
        .setScope(scope)
        .setKind(kind)
        .setText(text)
        .addAllTags(tags)
        .putAllAttributes(attributes)
        .setSource(source)
        .build();
  }

  @Override
  public String toString() {
    return "NewMemory[scope=" + scope + ", kind=" + kind + ", text=redacted]";
  }
}
