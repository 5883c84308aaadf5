package dev.memvault.cli.mcp;

import com.google.protobuf.Timestamp;
import dev.memvault.core.VaultException;
import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.portable.context.ContextBuilder;
import dev.memvault.sdk.portable.context.ContextRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A vault as an MCP server may see it: only the memories of the served scopes. Every read and write
 * of the tools and resources goes through here, which is what makes the confinement hold: a memory
 * of another scope is answered exactly as an id that does not exist, a scope that is not served as
 * one that does not exist, and no message names a scope that is not served. Messages of {@link
 * ToolError} are written here, never passed on from the vault, whose messages may list every scope.
 *
 * <p>Calls are serialized: one vault connection, and MCP requests may arrive on several threads.
 */
public final class ScopedMemories {
  private final MemoryVault vault;
  private final ServedScopes served;
  private final Runnable changed;

  public ScopedMemories(MemoryVault vault, ServedScopes served) {
    this(vault, served, () -> {});
  }

  /**
   * @param changed told after each write through these tools (to index it for meaning)
   */
  public ScopedMemories(MemoryVault vault, ServedScopes served, Runnable changed) {
    this.vault = vault;
    this.served = served;
    this.changed = changed;
  }

  public ServedScopes served() {
    return served;
  }

  /**
   * The scopes an assistant may see, with their memory counts: every scope of the vault, or each
   * served one (with 0 memories while it has none yet).
   */
  public synchronized List<ScopeSummary> scopes() {
    Map<String, ScopeSummary> existing = existingScopes();
    if (served.servesAll()) {
      return List.copyOf(existing.values());
    }
    List<ScopeSummary> result = new ArrayList<>();
    for (String name : served.names()) {
      result.add(existing.getOrDefault(name, new ScopeSummary(name, 0, 0)));
    }
    return result;
  }

  /** A live memory of a served scope; empty for an unknown, forgotten or unserved id alike. */
  public synchronized Optional<Memory> find(String id) {
    Memory memory;
    try {
      memory = vault.get(id);
    } catch (VaultException.UnknownItem | VaultException.InvalidInput e) {
      return Optional.empty();
    }
    return served.serves(memory.getScope()) ? Optional.of(memory) : Optional.empty();
  }

  /** The messages of a conversation that {@link #find} returned, in stored order. */
  public synchronized List<Memory> messages(Memory conversation) {
    if (conversation.getKind() != Kind.CONVERSATION || !served.serves(conversation.getScope())) {
      return List.of();
    }
    return vault.messages(conversation.getId());
  }

  /**
   * Full-text search in one served scope, or in all of them; best match first.
   *
   * @throws ToolError if {@code scope} is not served, or not there
   */
  public synchronized List<SearchResult> search(String query, Optional<String> scope, int limit) {
    List<Selection> selections = selections(scope, limit);
    List<SearchResult> results = new ArrayList<>();
    for (Selection selection : selections) {
      results.addAll(vault.search(query, selection));
    }
    if (selections.size() > 1) {
      // bm25 scores come from one index, so they compare across scopes; lower is better.
      results.sort(Comparator.comparingDouble(SearchResult::score));
    }
    return results.size() > limit ? List.copyOf(results.subList(0, limit)) : results;
  }

  /** The most recently updated memories of the served scopes, conversations included. */
  public synchronized List<Memory> recent(int limit) {
    List<Selection> selections = selections(Optional.empty(), limit);
    List<Memory> results = new ArrayList<>();
    for (Selection selection : selections) {
      results.addAll(vault.list(selection));
    }
    if (selections.size() > 1) {
      results.sort(
          Comparator.comparing(
                  (Memory memory) -> memory.getUpdatedAt(), ScopedMemories::compareTimestamps)
              .reversed());
    }
    return results.size() > limit ? List.copyOf(results.subList(0, limit)) : results;
  }

  /** The context block for {@code topic} drawn from the served scopes only. */
  public synchronized String context(String topic, int maxChars) {
    ContextRequest request = ContextRequest.of(topic).withMaxChars(maxChars);
    if (served.servesAll()) {
      return new ContextBuilder(vault).build(request);
    }
    List<String> present = presentServedScopes();
    if (present.isEmpty()) {
      // An empty scope list asks the builder for every scope: never hand it one.
      return ContextBuilder.HEADER + "\n\n(the served scopes hold no memories yet)\n";
    }
    return new ContextBuilder(vault).build(request.inScopes(present));
  }

  /**
   * Adds a memory to a served scope.
   *
   * @throws ToolError if its scope is not served
   */
  public synchronized Memory add(NewMemory memory) {
    requireServed(memory.scope());
    Memory added = vault.add(memory);
    changed.run();
    return added;
  }

  /** A new revision of a served memory's text; empty if there is no such memory here. */
  public synchronized Optional<Memory> update(String id, String text) {
    Optional<Memory> found = find(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Memory updated = vault.update(found.get().getId(), text);
    changed.run();
    return Optional.of(updated);
  }

  /** Forgets a served memory; false if there is no such memory here. */
  public synchronized boolean forget(String id) {
    Optional<Memory> found = find(id);
    found.ifPresent(memory -> vault.forget(memory.getId()));
    return found.isPresent();
  }

  /** One selection per served scope that holds memories, or one for the whole vault. */
  private List<Selection> selections(Optional<String> scope, int limit) {
    Selection base = Selection.all().limitedTo(limit);
    if (scope.isPresent()) {
      String name = scope.get();
      if (!served.serves(name)) {
        throw unknownScope(name);
      }
      if (!existingScopes().containsKey(name)) {
        if (served.servesAll()) {
          throw unknownScope(name);
        }
        return List.of(); // a served scope that nothing was added to yet
      }
      return List.of(base.inScope(name));
    }
    if (served.servesAll()) {
      return List.of(base);
    }
    return presentServedScopes().stream().map(base::inScope).toList();
  }

  private ToolError unknownScope(String name) {
    return new ToolError("no scope named '" + name + "'; scopes: " + visibleScopeNames());
  }

  private void requireServed(String scope) {
    if (!served.serves(scope)) {
      throw new ToolError(
          "scope '" + scope + "' is not served here; add to one of: " + visibleScopeNames());
    }
  }

  private List<String> presentServedScopes() {
    Map<String, ScopeSummary> existing = existingScopes();
    return served.names().stream().filter(existing::containsKey).toList();
  }

  private String visibleScopeNames() {
    List<String> names = scopes().stream().map(ScopeSummary::name).toList();
    return names.isEmpty() ? "(none yet)" : String.join(", ", names);
  }

  private Map<String, ScopeSummary> existingScopes() {
    Map<String, ScopeSummary> byName = new LinkedHashMap<>();
    for (ScopeSummary scope : vault.scopes()) {
      byName.put(scope.name(), scope);
    }
    return byName;
  }

  private static int compareTimestamps(Timestamp a, Timestamp b) {
    int bySeconds = Long.compare(a.getSeconds(), b.getSeconds());
    return bySeconds != 0 ? bySeconds : Integer.compare(a.getNanos(), b.getNanos());
  }
}
