package dev.memvault.core.vault;

import static dev.memvault.core.vault.Transactor.unchecked;

import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.proto.v1.Memory;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** {@link Writes} inside a transaction that the vault opened. */
final class TransactionWrites implements Writes {
  private final Transactor transactor;
  private final MemoryWrites writes;
  private final MemoryReads reads;
  private final MemoryRows memories;

  TransactionWrites(
      Transactor transactor, MemoryWrites writes, MemoryReads reads, MemoryRows memories) {
    this.transactor = transactor;
    this.writes = writes;
    this.reads = reads;
    this.memories = memories;
  }

  @Override
  public Memory add(Memory draft) {
    return unchecked(() -> writes.add(draft));
  }

  @Override
  public Memory update(String id, Consumer<Memory.Builder> change) {
    return unchecked(() -> writes.update(id, change));
  }

  @Override
  public Optional<SourceMatch> findBySource(String provider, String externalId) {
    return unchecked(
        () ->
            memories
                .findBySource(MemoryRules.sourceKey(provider, externalId))
                .map(row -> new SourceMatch(row.id(), row.deleted())));
  }

  @Override
  public Optional<SourceMatch> findMessageBySource(
      String conversationId, String provider, String externalId) {
    return unchecked(
        () ->
            memories
                .findMessageBySource(
                    MemoryRules.canonicalId(conversationId),
                    MemoryRules.sourceKey(provider, externalId))
                .map(row -> new SourceMatch(row.id(), row.deleted())));
  }

  @Override
  public boolean restore(List<Memory> revisions) {
    return unchecked(() -> writes.restoreHistory(revisions));
  }

  @Override
  public Memory get(String id) {
    return unchecked(() -> reads.get(id));
  }

  @Override
  public List<Memory> messages(String conversationId) {
    return unchecked(() -> reads.messages(conversationId));
  }

  @Override
  public <T> T attempt(Function<Writes, T> work) {
    return transactor.attempt(() -> work.apply(this));
  }
}
