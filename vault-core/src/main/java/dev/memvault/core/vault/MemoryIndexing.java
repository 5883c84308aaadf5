package dev.memvault.core.vault;

import dev.memvault.core.internal.search.DocumentTerms;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.proto.v1.Memory;
import java.util.Optional;

/** What a memory revision is indexed under for search: its analyzed search text and tags. */
final class MemoryIndexing {
  private MemoryIndexing() {}

  static MemoryRows.IndexedText of(Memory memory) {
    DocumentTerms text = DocumentTerms.of(MemoryRules.searchText(memory));
    DocumentTerms tags = DocumentTerms.of(String.join(" ", memory.getTagsList()));
    String forms =
        text.forms().isEmpty() || tags.forms().isEmpty()
            ? text.forms() + tags.forms()
            : text.forms() + " " + tags.forms();
    return new MemoryRows.IndexedText(text.words(), tags.words(), forms, memory.getTagsList());
  }

  /** Empty for a tombstone, which is not indexed. */
  static Optional<MemoryRows.IndexedText> ifLive(Memory memory) {
    return memory.getDeleted() ? Optional.empty() : Optional.of(of(memory));
  }
}
