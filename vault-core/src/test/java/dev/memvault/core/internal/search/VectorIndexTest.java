package dev.memvault.core.internal.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.internal.store.MemoryFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The in-memory vector index against an exact search by cosine over the unrounded vectors, on
 * seeded random data shaped like sentence embeddings (clusters of near vectors).
 */
class VectorIndexTest {
  private static final int DIMENSIONS = 384;
  private static final byte[] SCOPE_A = {1};
  private static final byte[] SCOPE_B = {2};

  private static float[] unit(float[] vector) {
    double norm = 0;
    for (float v : vector) {
      norm += v * v;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    float[] out = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      out[i] = vector[i] * scale;
    }
    return out;
  }

  private static float[] random(SplittableRandom random) {
    float[] vector = new float[DIMENSIONS];
    for (int i = 0; i < DIMENSIONS; i++) {
      vector[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return unit(vector);
  }

  private static float[] near(float[] center, double spread, SplittableRandom random) {
    float[] vector = new float[DIMENSIONS];
    for (int i = 0; i < DIMENSIONS; i++) {
      vector[i] = (float) (center[i] + spread * (random.nextDouble() * 2 - 1));
    }
    return unit(vector);
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }

  @Test
  void nearest_seededClusters_sameTopTenAsExactSearchMostOfTheTime() {
    for (long seed = 1; seed <= 5; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      List<float[]> centers = new ArrayList<>();
      for (int c = 0; c < 50; c++) {
        centers.add(random(random));
      }
      List<float[]> vectors = new ArrayList<>();
      VectorIndex index = new VectorIndex(DIMENSIONS);
      for (int i = 0; i < 5_000; i++) {
        float[] vector = near(centers.get(i % centers.size()), 0.08, random);
        vectors.add(vector);
        index.put(new VectorIndex.Entry(i, 1, SCOPE_A, 1, 0, StoredVector.encode(vector)));
      }
      int agreeing = 0;
      int queries = 40;
      for (int q = 0; q < queries; q++) {
        float[] query = near(centers.get(random.nextInt(centers.size())), 0.08, random);
        List<Long> exact = exactTop(vectors, query, 10);
        List<Long> found =
            index.nearest(query, MemoryFilter.all(), 10).stream()
                .map(VectorIndex.Neighbour::seq)
                .toList();
        agreeing += found.stream().filter(exact::contains).count();
      }
      double recall = agreeing / (queries * 10.0);
      assertTrue(recall >= 0.95, "seed " + seed + ": recall@10 against exact " + recall);
    }
  }

  @Test
  void nearest_similarityIsTheCosineWithinRounding() {
    SplittableRandom random = new SplittableRandom(11);
    VectorIndex index = new VectorIndex(DIMENSIONS);
    float[] stored = random(random);
    index.put(new VectorIndex.Entry(7, 3, SCOPE_A, 1, 0, StoredVector.encode(stored)));
    float[] query = near(stored, 0.05, random);

    VectorIndex.Neighbour only = index.nearest(query, MemoryFilter.all(), 1).get(0);

    assertEquals(7, only.seq());
    assertEquals(3, only.revision());
    assertEquals(cosine(stored, query), only.similarity(), 0.01);
  }

  @Test
  void nearest_filteredByScopeKindAndTime_onlySelectedEntries() {
    SplittableRandom random = new SplittableRandom(3);
    VectorIndex index = new VectorIndex(DIMENSIONS);
    float[] query = random(random);
    for (int i = 0; i < 300; i++) {
      byte[] scope = i % 2 == 0 ? SCOPE_A : SCOPE_B;
      index.put(
          new VectorIndex.Entry(
              i, 1, scope, i % 3, 1_000L * i, StoredVector.encode(near(query, 0.5, random))));
    }
    MemoryFilter filter =
        MemoryFilter.all().withScopeId(SCOPE_B).withKind(2).withCreatedFrom(100_000L);

    List<VectorIndex.Neighbour> found = index.nearest(query, filter, 1_000);

    long expected =
        java.util.stream.IntStream.range(0, 300)
            .filter(i -> i % 2 == 1 && i % 3 == 2 && i >= 100)
            .count();
    assertEquals(expected, found.size());
    for (VectorIndex.Neighbour neighbour : found) {
      long i = neighbour.seq();
      assertTrue(i % 2 == 1 && i % 3 == 2 && i >= 100, "seq " + i);
    }
    assertTrue(
        index.nearest(query, MemoryFilter.all().withScopeId(new byte[] {9}), 10).isEmpty(),
        "a scope without vectors selects nothing");
  }

  @Test
  void put_sameSeqAgain_replacesTheEntry() {
    SplittableRandom random = new SplittableRandom(5);
    VectorIndex index = new VectorIndex(DIMENSIONS);
    float[] first = random(random);
    float[] second = random(random);
    index.put(new VectorIndex.Entry(1, 1, SCOPE_A, 1, 0, StoredVector.encode(first)));
    index.put(new VectorIndex.Entry(1, 2, SCOPE_A, 1, 0, StoredVector.encode(second)));

    List<VectorIndex.Neighbour> found = index.nearest(second, MemoryFilter.all(), 5);

    assertEquals(1, index.size());
    assertEquals(2, found.get(0).revision());
    assertEquals(1.0, found.get(0).similarity(), 0.01);
  }

  @Test
  void put_otherDimensions_refused() {
    VectorIndex index = new VectorIndex(DIMENSIONS);
    byte[] small = StoredVector.encode(new float[] {1, 0, 0});

    assertThrows(
        IllegalArgumentException.class,
        () -> index.put(new VectorIndex.Entry(1, 1, SCOPE_A, 1, 0, small)));
  }

  @Test
  void encode_roundTrip_withinOneStepOfTheScale() {
    SplittableRandom random = new SplittableRandom(9);
    float[] vector = random(random);

    float[] decoded = StoredVector.decode(StoredVector.encode(vector));

    float largest = 0;
    for (float v : vector) {
      largest = Math.max(largest, Math.abs(v));
    }
    for (int i = 0; i < vector.length; i++) {
      assertEquals(vector[i], decoded[i], largest / 127 / 2 + 1e-6);
    }
    assertThrows(IllegalArgumentException.class, () -> StoredVector.encode(new float[4]));
  }

  private static List<Long> exactTop(List<float[]> vectors, float[] query, int count) {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < vectors.size(); i++) {
      seqs.add((long) i);
    }
    seqs.sort(
        Comparator.comparingDouble((Long i) -> cosine(vectors.get(i.intValue()), query))
            .reversed());
    return seqs.subList(0, count);
  }
}
