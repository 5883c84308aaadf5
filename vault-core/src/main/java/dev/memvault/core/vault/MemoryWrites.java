package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.internal.sync.HybridClock;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.Source;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * Writes memories: new ones, new revisions, tombstones, and whole histories restored from an
 * export. Every revision is stamped by the hybrid clock, sealed under its scope's keyset, indexed
 * for search and queued for sync. Runs inside the caller's transaction.
 */
final class MemoryWrites {
  /**
   * Memories sealed per task in {@link #addAll}: enough to outweigh a hand-off to another thread,
   * few enough that the writer starts soon.
   */
  private static final int SEAL_CHUNK = 64;

  private final MemoryRows memories;
  private final MemoryReads reads;
  private final Records records;
  private final ScopeCatalog scopes;
  private final Scopes openScopes;
  private final Outbox outbox;
  private final SyncRows syncRows;
  private final HybridClock hlc;
  private final Clock clock;
  private final Uuid7 ids;

  MemoryWrites(
      MemoryRows memories,
      MemoryReads reads,
      Records records,
      ScopeCatalog scopes,
      Scopes openScopes,
      Outbox outbox,
      SyncRows syncRows,
      HybridClock hlc,
      Clock clock,
      Uuid7 ids) {
    this.memories = memories;
    this.reads = reads;
    this.records = records;
    this.scopes = scopes;
    this.openScopes = openScopes;
    this.outbox = outbox;
    this.syncRows = syncRows;
    this.hlc = hlc;
    this.clock = clock;
    this.ids = ids;
  }

  /** A new memory with its id, times, clock and scope set. */
  private record PreparedMemory(Memory memory, Scope scope) {}

  /** A new memory prepared, and analyzed for the search index. */
  private record NewMemory(Memory memory, Scope scope, MemoryRows.IndexedText indexed) {
    static NewMemory analyzed(PreparedMemory prepared) {
      return new NewMemory(
          prepared.memory(), prepared.scope(), MemoryIndexing.of(prepared.memory()));
    }
  }

  /** A new memory sealed: ready to write. */
  private record SealedMemory(
      NewMemory ready, byte[] recordId, byte[] envelope, byte[] envelopeHash) {
    Memory memory() {
      return ready.memory();
    }
  }

  /** Puts a new memory's row in (with whatever seq and index writes go with it). */
  private interface RowInsert {
    void run() throws SQLException;
  }

  Memory add(Memory draft) throws SQLException, GeneralSecurityException {
    SealedMemory sealed = seal(NewMemory.analyzed(prepareNew(draft)));
    return write(sealed, () -> memories.insert(stored(sealed), sealed.ready().indexed()));
  }

  /**
   * Adds memories in order. The records are sealed on other threads ({@link SealAhead}) while this
   * one writes the search index, the largest part of its work: the index needs the plaintext and
   * seqs given in advance, not the envelopes. The rows follow, with those seqs, as their records
   * are sealed. The texts are analyzed for the index on every core first: the analysis needs
   * nothing but the memory, and its result keeps the memories' order.
   */
  List<Memory> addAll(List<Memory> drafts) throws SQLException, GeneralSecurityException {
    List<PreparedMemory> prepared = new ArrayList<>(drafts.size());
    for (Memory draft : drafts) {
      prepared.add(prepareNew(draft));
    }
    List<NewMemory> ready = prepared.parallelStream().map(NewMemory::analyzed).toList();
    try (SealAhead<NewMemory, SealedMemory> sealed =
        new SealAhead<>(ready, SEAL_CHUNK, this::seal, ForkJoinPool.commonPool())) {
      long firstSeq = memories.nextSeq();
      for (int i = 0; i < ready.size(); i++) {
        memories.indexNew(firstSeq + i, ready.get(i).indexed());
      }
      memories.flushIndexWrites();
      List<Memory> added = new ArrayList<>(drafts.size());
      for (long seq = firstSeq; sealed.hasNext(); seq++) {
        long at = seq;
        SealedMemory next = sealed.next();
        added.add(
            write(next, () -> memories.insertAt(at, stored(next), next.ready().indexed().tags())));
      }
      return added;
    }
  }

  /**
   * A new revision of a live memory: {@code change} edits a copy of the current one; the id, scope,
   * kind and creation time cannot change.
   */
  Memory update(String id, Consumer<Memory.Builder> change)
      throws SQLException, GeneralSecurityException {
    StoredMemory row = reads.liveRow(id);
    Memory current = records.open(row);
    Memory.Builder builder = current.toBuilder();
    change.accept(builder);
    if (current.getKind() == Kind.MESSAGE) {
      // The conversation_id column is written once, at insert; the envelope must agree with it.
      builder.getMessageBuilder().setConversationId(current.getMessage().getConversationId());
    }
    Instant now = clock.instant();
    Memory next =
        builder
            .setId(current.getId())
            .setScope(current.getScope())
            .setKindValue(current.getKindValue())
            .setCreatedAt(current.getCreatedAt())
            .setRevision(current.getRevision() + 1)
            .setUpdatedAt(Timestamps.of(now))
            .setHlc(hlc.tick())
            .build();
    MemoryRules.validate(next);
    Scope scope = openScopes.byId(row.scopeId());
    RecordEnvelope sealed = records.sealNextOf(row, scope, next);
    memories.replaceCurrent(
        row,
        MemoryIndexing.of(current),
        next.getRevision(),
        now.toEpochMilli(),
        sealed.toByteArray(),
        MemoryIndexing.of(next));
    outbox.enqueueRevision(next.getId(), sealed);
    return next;
  }

  /**
   * The memory as a new one of another scope or kind, and the old one forgotten with its history: a
   * record is sealed under its scope's key and bound to its id, scope and kind, so a move is a new
   * memory. Its text, tags, attributes, source, links and creation time are kept.
   */
  Memory move(String id, String scope, Kind kind) throws SQLException, GeneralSecurityException {
    StoredMemory row = reads.liveRow(id);
    Memory current = records.open(row);
    if (current.getKind() == Kind.CONVERSATION || current.getKind() == Kind.MESSAGE) {
      throw new VaultException.InvalidInput(
          "a conversation and its messages keep their scope and kind; export and import them to"
              + " move them");
    }
    if (kind == Kind.CONVERSATION || kind == Kind.MESSAGE) {
      throw new VaultException.InvalidInput(
          "a memory cannot become a conversation or a message: use fact, preference,"
              + " instruction or note");
    }
    Memory draft =
        Memory.newBuilder()
            .setScope(scope)
            .setKind(kind)
            .setText(current.getText())
            .addAllTags(current.getTagsList())
            .putAllAttributes(current.getAttributesMap())
            .setSource(current.getSource())
            .addAllLinks(current.getLinksList())
            .setCreatedAt(current.getCreatedAt())
            .setUpdatedAt(Timestamps.of(clock.instant()))
            .build();
    Memory moved = add(draft);
    forget(id);
    return moved;
  }

  /** Forgets a live memory, and a conversation's messages with it. */
  void forget(String id) throws SQLException, GeneralSecurityException {
    StoredMemory row = reads.liveRow(id);
    tombstone(row);
    if (row.kind() == Kind.CONVERSATION_VALUE) {
      for (StoredMemory message : memories.messagesOf(row.id())) {
        tombstone(message);
      }
    }
  }

  /**
   * Forgets every live memory of a scope, each as {@link #forget} does; returns how many, a
   * conversation counted once with its messages (as scope listings count).
   */
  int forgetAllIn(byte[] scopeId) throws SQLException, GeneralSecurityException {
    int forgotten = 0;
    for (StoredMemory row : memories.liveIn(scopeId)) {
      tombstone(row);
      if (row.kind() != Kind.MESSAGE_VALUE) {
        forgotten++;
      }
    }
    return forgotten;
  }

  /**
   * Stores a memory with its whole history exactly as given; false, storing nothing, if the id
   * exists. Only the current revision is pushed: the earlier ones stay on this device, as other
   * devices keep only what reached them through sync (docs/FORMAT.md, section 14).
   */
  boolean restoreHistory(List<Memory> revisions) throws SQLException, GeneralSecurityException {
    if (revisions.isEmpty()) {
      throw new VaultException.InvalidInput("a memory to restore has no revisions");
    }
    Memory current = revisions.get(revisions.size() - 1);
    String id = MemoryRules.canonicalId(current.getId());
    if (!id.equals(current.getId())) {
      // Envelopes bind the id as stored; a non-canonical spelling would seal an unreadable record.
      throw new VaultException.InvalidInput(
          "memory id '" + current.getId() + "' is not in canonical form (" + id + ")");
    }
    if (memories.find(id).isPresent()) {
      return false;
    }
    if (current.getKind() == Kind.MESSAGE) {
      String conversationId = current.getMessage().getConversationId();
      Optional<StoredMemory> conversation = memories.find(conversationId);
      if (conversation.isEmpty() || conversation.get().kind() != Kind.CONVERSATION_VALUE) {
        throw new VaultException.InvalidInput(
            "message "
                + id
                + " belongs to conversation "
                + conversationId
                + ", which is not in the vault");
      }
    }
    long previousRevision = 0;
    for (Memory revision : revisions) {
      if (!revision.getId().equals(current.getId())
          || !revision.getScope().equals(current.getScope())
          || revision.getKind() != current.getKind()
          || revision.getRevision() <= previousRevision
          || revision.getDeleted()) {
        throw new VaultException.InvalidInput(
            "the revisions of memory " + id + " are inconsistent (ids, scope, kind or order)");
      }
      MemoryRules.validate(revision);
      previousRevision = revision.getRevision();
    }
    Scope scope = scopes.scopeFor(current.getScope());
    String conversationId =
        current.getKind() == Kind.MESSAGE ? current.getMessage().getConversationId() : null;
    RecordEnvelope currentEnvelope = records.seal(scope, current);
    memories.insert(
        new StoredMemory(
            0,
            id,
            scope.id(),
            current.getKindValue(),
            conversationId,
            Timestamps.millis(current.getCreatedAt()),
            Timestamps.millis(current.getUpdatedAt()),
            current.getRevision(),
            false,
            currentEnvelope.toByteArray(),
            MemoryRules.sourceKey(current)),
        MemoryIndexing.of(current));
    outbox.enqueueRevision(id, currentEnvelope);
    for (Memory earlier : revisions.subList(0, revisions.size() - 1)) {
      memories.insertRevision(
          id, earlier.getRevision(), records.seal(scope, earlier).toByteArray());
    }
    return true;
  }

  /** Everything about a new memory that must happen in order and inside the transaction. */
  private PreparedMemory prepareNew(Memory draft) throws SQLException, GeneralSecurityException {
    Instant now = clock.instant();
    Memory.Builder builder = draft.toBuilder().setRevision(1);
    if (builder.getId().isEmpty()) {
      builder.setId(ids.next().toString());
    } else {
      // Uniqueness is checked by the insert itself (memories.id is UNIQUE), not by a lookup
      // before it: a bulk import gives every memory an id and pays for each lookup.
      builder.setId(MemoryRules.canonicalId(builder.getId()));
    }
    if (builder.getKind() == Kind.MESSAGE && !builder.getMessage().getConversationId().isEmpty()) {
      // Conversation ids are matched as text (search, forget): one spelling per id, or a
      // forgotten conversation would miss messages that name it in upper case.
      builder
          .getMessageBuilder()
          .setConversationId(MemoryRules.canonicalId(builder.getMessage().getConversationId()));
    }
    if (!builder.hasCreatedAt()) {
      builder.setCreatedAt(Timestamps.of(now));
    }
    if (!builder.hasUpdatedAt()) {
      builder.setUpdatedAt(builder.getCreatedAt());
    }
    builder.setHlc(hlc.tick());
    Memory memory = builder.build();
    MemoryRules.validate(memory);
    return new PreparedMemory(memory, scopes.scopeFor(memory.getScope()));
  }

  /** The CPU work for a new memory: touches neither the database nor the vault's state. */
  private SealedMemory seal(NewMemory ready) throws GeneralSecurityException {
    RecordEnvelope envelope = records.seal(ready.scope(), ready.memory());
    byte[] envelopeBytes = envelope.toByteArray();
    return new SealedMemory(
        ready,
        envelope.getRecordId().toByteArray(),
        envelopeBytes,
        Outbox.envelopeHash(envelopeBytes));
  }

  private static StoredMemory stored(SealedMemory sealed) {
    Memory memory = sealed.memory();
    return new StoredMemory(
        0,
        memory.getId(),
        sealed.ready().scope().id(),
        memory.getKindValue(),
        memory.getKind() == Kind.MESSAGE ? memory.getMessage().getConversationId() : null,
        Timestamps.millis(memory.getCreatedAt()),
        Timestamps.millis(memory.getUpdatedAt()),
        memory.getRevision(),
        false,
        sealed.envelope(),
        MemoryRules.sourceKey(memory));
  }

  /** Writes a new memory's row by {@code insert}, then queues it for sync. */
  private Memory write(SealedMemory sealed, RowInsert insert) throws SQLException {
    Memory memory = sealed.memory();
    try {
      insert.run();
    } catch (SQLException e) {
      if (isUniqueViolation(e)) {
        // Only the statement failed; the transaction goes on as if nothing was tried.
        throw new VaultException.InvalidInput("a memory with id " + memory.getId() + " exists");
      }
      throw e;
    }
    outbox.enqueueRevision(sealed.recordId(), memory.getId(), 1, sealed.envelopeHash());
    return memory;
  }

  private void tombstone(StoredMemory row) throws SQLException, GeneralSecurityException {
    Memory current = records.open(row);
    Instant now = clock.instant();
    Memory tombstone =
        Memory.newBuilder()
            .setId(current.getId())
            .setScope(current.getScope())
            .setKindValue(current.getKindValue())
            .setCreatedAt(current.getCreatedAt())
            .setUpdatedAt(Timestamps.of(now))
            .setRevision(current.getRevision() + 1)
            .setDeleted(true)
            .setHlc(hlc.tick())
            // The provider id stays, so that no device re-imports what was forgotten.
            .setSource(
                Source.newBuilder()
                    .setProvider(current.getSource().getProvider())
                    .setExternalId(current.getSource().getExternalId()))
            .build();
    Scope scope = openScopes.byId(row.scopeId());
    RecordEnvelope sealed = records.sealNextOf(row, scope, tombstone);
    memories.tombstone(
        row,
        Optional.of(MemoryIndexing.of(current)),
        tombstone.getRevision(),
        now.toEpochMilli(),
        sealed.toByteArray());
    syncRows.setPurgeHlc(row.id(), tombstone.getHlc());
    outbox.enqueueRevision(row.id(), sealed);
  }

  /** SQLite's constraint error (19) on the memories.id uniqueness, and no other. */
  private static boolean isUniqueViolation(SQLException e) {
    return e.getErrorCode() == 19
        && e.getMessage() != null
        && e.getMessage().contains("UNIQUE constraint failed: memories.id");
  }
}
