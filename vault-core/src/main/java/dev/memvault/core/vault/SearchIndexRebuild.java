package dev.memvault.core.vault;

import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.store.StoredMemory;
import java.sql.SQLException;
import java.util.List;

/**
 * The one-time rebuild of the search index from the envelopes of the live memories, which the first
 * open after an upgrade or a restore runs. It runs in one transaction with removing the marker that
 * asked for it: a crash midway leaves the marker, and the next open starts over.
 */
final class SearchIndexRebuild {
  private static final int PAGE = 1_000;

  private final Transactor transactor;
  private final MemoryRows memories;
  private final Records records;

  SearchIndexRebuild(Transactor transactor, MemoryRows memories, Records records) {
    this.transactor = transactor;
    this.memories = memories;
    this.records = records;
  }

  void runIfStale(Vault.RebuildProgress progress) throws SQLException {
    if (new MetaRows(transactor.connection()).get(MetaRows.SEARCH_INDEX_STALE) != null) {
      run(progress);
    }
  }

  private void run(Vault.RebuildProgress progress) {
    transactor.inTransaction(
        () -> {
          memories.clearIndex();
          long total = memories.countLive();
          long indexed = 0;
          progress.indexed(0, total);
          long after = 0;
          List<StoredMemory> page;
          while (!(page = memories.page(after, PAGE)).isEmpty()) {
            for (StoredMemory row : page) {
              memories.index(row.seq(), MemoryIndexing.of(records.open(row)));
              after = row.seq();
            }
            indexed += page.size();
            progress.indexed(Math.min(indexed, total), total);
          }
          new MetaRows(transactor.connection()).delete(MetaRows.SEARCH_INDEX_STALE);
          return null;
        });
  }
}
