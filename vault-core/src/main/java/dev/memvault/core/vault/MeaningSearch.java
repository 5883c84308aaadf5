package dev.memvault.core.vault;

import dev.memvault.core.internal.search.StoredVector;
import dev.memvault.core.internal.search.VectorIndex;
import dev.memvault.core.internal.store.MemoryFilter;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.internal.store.VectorRows;
import dev.memvault.core.meaning.MeaningUnavailable;
import dev.memvault.core.meaning.MeaningUse;
import dev.memvault.core.meaning.TextEmbedder;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The meaning half of search: the query's embedding against the vault's vectors, held in memory
 * once read (VectorIndex). The vectors in memory follow this vault's own indexing as it stores
 * them, and are read again when another process indexed (a counter in vault_meta says so).
 */
final class MeaningSearch {
  /**
   * Below this cosine a memory is not offered as near in meaning. Unrelated texts score about 0 to
   * 0.2 with the bundled model; a paraphrase about 0.35 and up.
   */
  static final double MIN_SIMILARITY = 0.25;

  /** Query text embedded, at most: a question does not need more. */
  static final int MAX_QUERY_CHARS = 2_000;

  static final String INDEX_VERSION = "meaning_index_version";

  /** A live memory near the query in meaning. */
  record Near(StoredMemory memory, double similarity) {}

  /** What a meaning search found, and whether it could look at all. */
  record Found(MeaningUse use, List<Near> hits) {}

  private final VectorRows vectors;
  private final MemoryRows memories;
  private final MetaRows meta;
  private TextEmbedder embedder;
  private VectorIndex index;
  private long indexVersion;

  MeaningSearch(VectorRows vectors, MemoryRows memories, MetaRows meta) {
    this.vectors = vectors;
    this.memories = memories;
    this.meta = meta;
  }

  void use(TextEmbedder embedder) {
    this.embedder = embedder;
    this.index = null;
  }

  Optional<TextEmbedder> embedder() {
    return Optional.ofNullable(embedder);
  }

  /** Up to {@code count} live memories that {@code filter} selects, nearest in meaning first. */
  Found nearest(String query, MemoryFilter filter, int count) throws SQLException {
    if (embedder == null) {
      return new Found(MeaningUse.of(MeaningUse.State.OFF), List.of());
    }
    String model = embedder.modelId();
    if (!vectors.any(model)) {
      return new Found(MeaningUse.of(MeaningUse.State.NOT_INDEXED), List.of());
    }
    float[] queryVector;
    try {
      String text = query.length() > MAX_QUERY_CHARS ? query.substring(0, MAX_QUERY_CHARS) : query;
      queryVector = embedder.embed(List.of(text)).get(0);
    } catch (MeaningUnavailable e) {
      return new Found(new MeaningUse(MeaningUse.State.UNAVAILABLE, e.getMessage()), List.of());
    }
    VectorIndex current = current(model, queryVector.length);
    List<VectorIndex.Neighbour> neighbours = new ArrayList<>();
    for (VectorIndex.Neighbour neighbour : current.nearest(queryVector, filter, count)) {
      if (neighbour.similarity() >= MIN_SIMILARITY) {
        neighbours.add(neighbour);
      }
    }
    Map<Long, StoredMemory> live = new HashMap<>();
    for (StoredMemory memory :
        memories.liveAmong(neighbours.stream().map(VectorIndex.Neighbour::seq).toList(), filter)) {
      live.put(memory.seq(), memory);
    }
    List<Near> hits = new ArrayList<>();
    for (VectorIndex.Neighbour neighbour : neighbours) {
      StoredMemory memory = live.get(neighbour.seq());
      // A vector made from an earlier revision no longer describes the memory.
      if (memory != null && memory.revision() == neighbour.revision()) {
        hits.add(new Near(memory, neighbour.similarity()));
      }
    }
    MeaningUse.State state =
        vectors.newerWithout(model) ? MeaningUse.State.USED_PARTLY : MeaningUse.State.USED;
    return new Found(MeaningUse.of(state), hits);
  }

  /**
   * Records vectors stored by this vault's indexing, inside the transaction that stored them, so
   * that the vectors in memory need not be read again.
   */
  void stored(List<VectorIndex.Entry> entries) throws SQLException {
    long version = storedVersion();
    meta.put(INDEX_VERSION, ByteBuffer.allocate(8).putLong(version + 1).array());
    if (index != null && indexVersion == version) {
      for (VectorIndex.Entry entry : entries) {
        index.put(entry);
      }
      indexVersion = version + 1;
    } else {
      index = null;
    }
  }

  /** Forgets the vectors in memory: the transaction that {@link #stored} them was rolled back. */
  void discard() {
    index = null;
  }

  private VectorIndex current(String model, int dimensions) throws SQLException {
    long version = storedVersion();
    if (index != null && indexVersion == version && index.dimensions() == dimensions) {
      return index;
    }
    VectorIndex loaded = new VectorIndex(dimensions);
    vectors.forEach(
        model,
        row -> {
          if (StoredVector.dimensions(row.vector()) == dimensions) {
            loaded.put(
                new VectorIndex.Entry(
                    row.seq(),
                    row.revision(),
                    row.scopeId(),
                    row.kind(),
                    row.createdAtMillis(),
                    row.vector()));
          }
        });
    index = loaded;
    indexVersion = version;
    return loaded;
  }

  private long storedVersion() throws SQLException {
    byte[] value = meta.get(INDEX_VERSION);
    return value == null ? 0 : ByteBuffer.wrap(value).getLong();
  }
}
