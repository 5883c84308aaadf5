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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The meaning half of search: the query's embedding against the vault's vectors, held in memory
 * once read (VectorIndex). The vectors in memory follow this vault's own indexing as it stores
 * them, and are read again when another process indexed (a counter in vault_meta says so).
 */
final class MeaningSearch {
  /**
   * Below this cosine a memory is not offered as near in meaning. With the bundled model unrelated
   * texts score about 0 to 0.15, and a question in other words its memory from about 0.2 up; a bar
   * of 0.25 lost a fortieth of the labelled queries' recall (docs/SEARCH.md).
   */
  static final double MIN_SIMILARITY = 0.15;

  /** Query text embedded, at most: a question does not need more. */
  static final int MAX_QUERY_CHARS = 2_000;

  static final String INDEX_VERSION = "meaning_index_version";

  /** Embeds queries beside the search by words; idle threads end, and none keeps a JVM up. */
  private static final ExecutorService QUERY_THREADS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "memvault-query-embedding");
            thread.setDaemon(true);
            return thread;
          });

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

  /**
   * Starts embedding {@code query} on a thread of its own, so that the search by words runs
   * meanwhile; or says why meaning cannot be used.
   */
  Started start(String query) throws SQLException {
    if (embedder == null) {
      return new Started(MeaningUse.of(MeaningUse.State.OFF), null, null);
    }
    TextEmbedder model = embedder;
    if (!vectors.any(model.modelId())) {
      return new Started(MeaningUse.of(MeaningUse.State.NOT_INDEXED), null, null);
    }
    String text = query.length() > MAX_QUERY_CHARS ? query.substring(0, MAX_QUERY_CHARS) : query;
    return new Started(null, model, QUERY_THREADS.submit(() -> model.embed(List.of(text)).get(0)));
  }

  /** A query being embedded, or why it is not. */
  static final class Started {
    private final MeaningUse notUsed;
    private final TextEmbedder model;
    private final Future<float[]> vector;

    private Started(MeaningUse notUsed, TextEmbedder model, Future<float[]> vector) {
      this.notUsed = notUsed;
      this.model = model;
      this.vector = vector;
    }

    /** Whether the query is being embedded: the vault is indexed by the attached model. */
    boolean embeds() {
      return vector != null;
    }
  }

  /**
   * Up to {@code count} live memories that {@code filter} selects, nearest in meaning to the
   * started query first.
   */
  Found nearest(Started started, MemoryFilter filter, int count) throws SQLException {
    if (started.vector == null) {
      return new Found(started.notUsed, List.of());
    }
    float[] queryVector;
    try {
      queryVector = started.vector.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MeaningUnavailable unavailable) {
        return new Found(
            new MeaningUse(MeaningUse.State.UNAVAILABLE, unavailable.getMessage()), List.of());
      }
      throw new IllegalStateException("embedding the query failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Found(new MeaningUse(MeaningUse.State.UNAVAILABLE, "interrupted"), List.of());
    }
    String model = started.model.modelId();
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
        vectors.newerWithoutVector() ? MeaningUse.State.USED_PARTLY : MeaningUse.State.USED;
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
