package dev.memvault.core.internal.search;

import dev.memvault.core.internal.store.MemoryFilter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The vectors of one open vault, in memory, for nearest-neighbour search by cosine similarity.
 *
 * <p>A search looks at every vector in two steps: first by the signs of their components alone (one
 * bit per dimension, compared by Hamming distance: a few machine words per vector), which keeps the
 * {@link #CANDIDATES_PER_RESULT} closest per wanted result; then those candidates by their stored
 * components against the exact query. The sign step is what makes a search of every vector cheap;
 * the second step is what makes the order right. Filters on scope, kind and creation time apply
 * before either step, so a narrow filter never empties the answer.
 *
 * <p>An entry describes the revision it was made from; the caller drops a neighbour whose memory
 * has moved on. Not thread-safe: the vault serializes access.
 */
public final class VectorIndex {
  /** A memory's vector with what a search filters on. */
  public record Entry(
      long seq, long revision, byte[] scopeId, int kind, long createdAtMillis, byte[] stored) {}

  /** A memory near the query: its seq, the revision its vector was made from, and the cosine. */
  public record Neighbour(long seq, long revision, double similarity) {}

  /** Sign-step candidates kept per wanted result, at least {@link #MIN_CANDIDATES}. */
  static final int CANDIDATES_PER_RESULT = 10;

  static final int MIN_CANDIDATES = 200;

  private final int dimensions;
  private final int signWords;
  private final Map<Long, Integer> slots = new HashMap<>();
  private final Map<ByteBuffer, Integer> scopeNumbers = new HashMap<>();
  private int size;
  private long[] seqs = new long[0];
  private long[] revisions = new long[0];
  private long[] created = new long[0];
  private int[] scopes = new int[0];
  private byte[] kinds = new byte[0];
  private float[] scales = new float[0];
  private long[] signs = new long[0];
  private byte[] components = new byte[0];

  public VectorIndex(int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be positive");
    }
    this.dimensions = dimensions;
    this.signWords = (dimensions + 63) / 64;
  }

  public int dimensions() {
    return dimensions;
  }

  /** Vectors held. */
  public int size() {
    return size;
  }

  /** Adds an entry, or replaces the one of the same memory. */
  public void put(Entry entry) {
    if (StoredVector.dimensions(entry.stored()) != dimensions) {
      throw new IllegalArgumentException(
          "a vector of "
              + StoredVector.dimensions(entry.stored())
              + " dimensions in an index of "
              + dimensions);
    }
    Integer existing = slots.get(entry.seq());
    int slot = existing != null ? existing : size;
    if (existing == null) {
      ensureCapacity(size + 1);
      slots.put(entry.seq(), slot);
      size++;
    }
    seqs[slot] = entry.seq();
    revisions[slot] = entry.revision();
    created[slot] = entry.createdAtMillis();
    scopes[slot] = scopeNumber(entry.scopeId());
    kinds[slot] = (byte) entry.kind();
    scales[slot] = StoredVector.scale(entry.stored());
    System.arraycopy(entry.stored(), 0, components, slot * dimensions, dimensions);
    Arrays.fill(signs, slot * signWords, (slot + 1) * signWords, 0L);
    for (int i = 0; i < dimensions; i++) {
      if (entry.stored()[i] > 0) {
        signs[slot * signWords + i / 64] |= 1L << (i % 64);
      }
    }
  }

  /**
   * Up to {@code count} entries that {@code filter}'s scope, kind and creation bounds select, most
   * similar to {@code query} first. The filter's tag is not known here: the caller checks it.
   */
  public List<Neighbour> nearest(float[] query, MemoryFilter filter, int count) {
    if (query.length != dimensions) {
      throw new IllegalArgumentException("a query of " + query.length + " dimensions");
    }
    long[] querySigns = new long[signWords];
    for (int i = 0; i < dimensions; i++) {
      if (query[i] > 0) {
        querySigns[i / 64] |= 1L << (i % 64);
      }
    }
    int scope = filter.scopeId().map(id -> scopeNumbers.getOrDefault(key(id), -2)).orElse(-1);
    int[] distances = new int[size];
    int[] histogram = new int[dimensions + 1];
    for (int slot = 0; slot < size; slot++) {
      if (!selected(slot, scope, filter)) {
        distances[slot] = -1;
        continue;
      }
      int distance = 0;
      int base = slot * signWords;
      for (int w = 0; w < signWords; w++) {
        distance += Long.bitCount(signs[base + w] ^ querySigns[w]);
      }
      distances[slot] = distance;
      histogram[distance]++;
    }
    int wanted = Math.max(MIN_CANDIDATES, count * CANDIDATES_PER_RESULT);
    int cutoff = 0;
    for (int kept = 0; cutoff <= dimensions; cutoff++) {
      kept += histogram[cutoff];
      if (kept >= wanted) {
        break;
      }
    }
    List<Neighbour> candidates = new ArrayList<>();
    for (int slot = 0; slot < size; slot++) {
      int distance = distances[slot];
      if (distance >= 0 && distance <= cutoff) {
        candidates.add(new Neighbour(seqs[slot], revisions[slot], similarity(slot, query)));
      }
    }
    candidates.sort(Comparator.comparingDouble(Neighbour::similarity).reversed());
    return candidates.size() > count ? candidates.subList(0, count) : candidates;
  }

  private boolean selected(int slot, int scope, MemoryFilter filter) {
    if (scope != -1 && scopes[slot] != scope) {
      return false;
    }
    if (filter.kind().isPresent() && kinds[slot] != filter.kind().getAsInt()) {
      return false;
    }
    if (filter.createdFromMillis().isPresent()
        && created[slot] < filter.createdFromMillis().getAsLong()) {
      return false;
    }
    return filter.createdBeforeMillis().isEmpty()
        || created[slot] < filter.createdBeforeMillis().getAsLong();
  }

  /** The cosine of a unit query with the unit vector in {@code slot}. */
  private double similarity(int slot, float[] query) {
    int base = slot * dimensions;
    double dot = 0;
    for (int i = 0; i < dimensions; i++) {
      dot += query[i] * components[base + i];
    }
    return dot / scales[slot];
  }

  private int scopeNumber(byte[] scopeId) {
    return scopeNumbers.computeIfAbsent(key(scopeId), k -> scopeNumbers.size());
  }

  private static ByteBuffer key(byte[] scopeId) {
    return ByteBuffer.wrap(scopeId.clone());
  }

  private void ensureCapacity(int needed) {
    if (needed <= seqs.length) {
      return;
    }
    int capacity = Math.max(needed, Math.max(16, seqs.length + seqs.length / 2));
    seqs = Arrays.copyOf(seqs, capacity);
    revisions = Arrays.copyOf(revisions, capacity);
    created = Arrays.copyOf(created, capacity);
    scopes = Arrays.copyOf(scopes, capacity);
    kinds = Arrays.copyOf(kinds, capacity);
    scales = Arrays.copyOf(scales, capacity);
    signs = Arrays.copyOf(signs, capacity * signWords);
    components = Arrays.copyOf(components, capacity * dimensions);
  }
}
