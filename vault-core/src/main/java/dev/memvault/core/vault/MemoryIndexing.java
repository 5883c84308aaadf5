package dev.memvault.core.vault;

import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.proto.v1.Memory;
import java.util.Optional;

/** What a memory revision is indexed under for search: its search text and its tags. */
final class MemoryIndexing {
  private MemoryIndexing() {}

  static MemoryRows.IndexedText of(Memory memory) {
    return new MemoryRows.IndexedText(MemoryRules.searchText(memory), memory.getTagsList());
  }

  /** Empty for a tombstone, which is not indexed. */
  static Optional<MemoryRows.IndexedText> ifLive(Memory memory) {
    return memory.getDeleted() ? Optional.empty() : Optional.of(of(memory));
  }
}
