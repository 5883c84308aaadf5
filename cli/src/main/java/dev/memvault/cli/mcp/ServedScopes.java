package dev.memvault.cli.mcp;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scopes an MCP server serves: the ones named with {@code --scope}, or every scope of the vault
 * when none was named.
 */
public final class ServedScopes {
  private final Set<String> named;

  private ServedScopes(Set<String> named) {
    this.named = named;
  }

  /** Every scope of the vault, present and future. */
  public static ServedScopes all() {
    return new ServedScopes(Set.of());
  }

  /** Only these scopes; an empty collection serves every scope. */
  public static ServedScopes of(Collection<String> names) {
    return new ServedScopes(Set.copyOf(new TreeSet<>(names)));
  }

  public boolean servesAll() {
    return named.isEmpty();
  }

  public boolean serves(String scope) {
    return named.isEmpty() || named.contains(scope);
  }

  /** The named scopes, sorted; empty when every scope is served. */
  public List<String> names() {
    return List.copyOf(new TreeSet<>(named));
  }

  @Override
  public String toString() {
    return servesAll() ? "ServedScopes[all]" : "ServedScopes" + names();
  }
}
