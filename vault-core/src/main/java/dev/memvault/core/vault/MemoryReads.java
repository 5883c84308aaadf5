package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.store.MemoryFilter;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.v1.Memory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Reads live memories, their histories and conversations; each one opened and checked. */
final class MemoryReads {
  private final MemoryRows memories;
  private final Records records;
  private final Scopes openScopes;

  MemoryReads(MemoryRows memories, Records records, Scopes openScopes) {
    this.memories = memories;
    this.records = records;
    this.openScopes = openScopes;
  }

  /**
   * The row of a live memory.
   *
   * @throws VaultException.UnknownItem if there is none, or it was forgotten
   */
  StoredMemory liveRow(String id) throws SQLException {
    String canonical;
    try {
      canonical = MemoryRules.canonicalId(id);
    } catch (VaultException.InvalidInput e) {
      throw new VaultException.UnknownItem("no memory with id '" + id + "'");
    }
    Optional<StoredMemory> row = memories.find(canonical);
    if (row.isEmpty()) {
      throw new VaultException.UnknownItem("no memory with id " + canonical);
    }
    if (row.get().deleted()) {
      throw new VaultException.UnknownItem("memory " + canonical + " was forgotten");
    }
    return row.get();
  }

  /**
   * The full id of the memory whose id is {@code idOrPrefix} or starts with it (at least 4 hex
   * digits, as git takes an abbreviated commit).
   *
   * @throws VaultException.UnknownItem if no memory's id starts so
   * @throws VaultException.InvalidInput if more than one does
   */
  String resolveId(String idOrPrefix) throws SQLException {
    String typed = idOrPrefix.strip().toLowerCase(java.util.Locale.ROOT);
    if (!typed.matches("[0-9a-f][0-9a-f-]{3,35}")) {
      throw new VaultException.UnknownItem("no memory with id '" + idOrPrefix + "'");
    }
    List<String> ids = memories.idsStartingWith(typed, 2);
    if (ids.isEmpty()) {
      throw new VaultException.UnknownItem("no memory with id '" + idOrPrefix + "'");
    }
    if (ids.size() > 1) {
      throw new VaultException.InvalidInput(
          "'" + idOrPrefix + "' starts the id of more than one memory; give more of it");
    }
    return ids.get(0);
  }

  Memory get(String id) throws SQLException {
    return records.open(liveRow(id));
  }

  /** Every revision of a live memory, oldest first, the current one last. */
  List<Memory> history(String id) throws SQLException {
    return revisions(liveRow(id));
  }

  /** The live messages of a conversation, in the order they were stored. */
  List<Memory> messages(String conversationId) throws SQLException {
    String canonical = liveRow(conversationId).id();
    List<Memory> result = new ArrayList<>();
    for (StoredMemory row : memories.messagesOf(canonical)) {
      result.add(records.open(row));
    }
    return result;
  }

  List<Memory> list(Selection selection) throws SQLException {
    List<Memory> result = new ArrayList<>();
    for (StoredMemory row : memories.list(filter(selection))) {
      result.add(records.open(row));
    }
    return result;
  }

  /** A listed memory and where the listing stands after it. */
  record Listed(Memory memory, long updatedAtMillis, long seq) {}

  /**
   * Up to {@code selection.limit()} memories of {@link #list}'s order after the one at ({@code
   * updatedAtMillis}, {@code seq}); {@code Long.MAX_VALUE} for both starts at the top.
   */
  List<Listed> listAfter(Selection selection, long updatedAtMillis, long seq) throws SQLException {
    List<Listed> page = new ArrayList<>();
    for (StoredMemory row : memories.listAfter(filter(selection), updatedAtMillis, seq)) {
      page.add(new Listed(records.open(row), row.updatedAtMillis(), row.seq()));
    }
    return page;
  }

  /** Every live memory with its history, in storage order (a conversation before its messages). */
  void exportAll(Consumer<List<Memory>> sink) throws SQLException {
    long after = 0;
    while (true) {
      List<StoredMemory> page = memories.page(after, 500);
      if (page.isEmpty()) {
        return;
      }
      for (StoredMemory row : page) {
        sink.accept(revisions(row));
        after = row.seq();
      }
    }
  }

  /**
   * The memory imported with this provider id, live or forgotten; messages too, by reading the
   * whole vault (they are in no index by provider id).
   */
  Optional<SourceMatch> findBySource(String provider, String externalId) throws SQLException {
    String key = MemoryRules.sourceKey(provider, externalId);
    Optional<StoredMemory> found = memories.findBySource(key);
    if (found.isEmpty()) {
      found = memories.scanMessagesBySource(key);
    }
    return found.map(row -> new SourceMatch(row.id(), row.deleted()));
  }

  MemoryFilter filter(Selection selection) {
    MemoryFilter filter = MemoryFilter.all().withLimit(selection.limit());
    if (selection.scope().isPresent()) {
      filter = filter.withScopeId(openScopes.existing(selection.scope().get()).id());
    }
    if (selection.kind().isPresent()) {
      filter = filter.withKind(selection.kind().get().getNumber());
    }
    if (selection.tag().isPresent()) {
      filter = filter.withTag(selection.tag().get());
    }
    if (selection.createdFrom().isPresent()) {
      filter = filter.withCreatedFrom(selection.createdFrom().get().toEpochMilli());
    }
    if (selection.createdBefore().isPresent()) {
      filter = filter.withCreatedBefore(selection.createdBefore().get().toEpochMilli());
    }
    return filter;
  }

  private List<Memory> revisions(StoredMemory row) throws SQLException {
    Scope scope = openScopes.byId(row.scopeId());
    List<Memory> revisions = new ArrayList<>();
    for (MemoryRows.Revision revision : memories.history(row.id())) {
      revisions.add(records.open(scope, row.id(), revision.revision(), revision.envelope()));
    }
    revisions.add(records.open(row));
    return revisions;
  }
}
