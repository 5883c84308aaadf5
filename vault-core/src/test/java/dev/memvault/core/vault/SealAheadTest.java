package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SealAheadTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  @Test
  void results_comeInTheOrderOfTheItems_forEverySizeAroundTheChunk() throws Exception {
    for (int size : new int[] {0, 1, 6, 7, 8, 13, 14, 15, 200}) {
      List<Integer> items = IntStream.range(0, size).boxed().toList();
      List<Integer> results = new ArrayList<>();
      try (SealAhead<Integer, Integer> ahead = new SealAhead<>(items, 7, i -> i * 3, pool)) {
        while (ahead.hasNext()) {
          results.add(ahead.next());
        }
        assertThrows(NoSuchElementException.class, ahead::next);
      }
      assertEquals(items.stream().map(i -> i * 3).toList(), results, "size " + size);
    }
  }

  @Test
  void poolThatNeverRuns_theCallerDoesEveryChunkItself() throws Exception {
    List<Runnable> neverRun = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    List<Integer> results = new ArrayList<>();
    try (SealAhead<Integer, Integer> ahead =
        new SealAhead<>(
            List.of(1, 2, 3, 4, 5),
            2,
            i -> {
              threads.add(Thread.currentThread().getName());
              return -i;
            },
            neverRun::add)) {
      while (ahead.hasNext()) {
        results.add(ahead.next());
      }
    }
    assertEquals(List.of(-1, -2, -3, -4, -5), results);
    assertEquals(
        2, neverRun.size(), "chunks 2 and 3 offered to the pool; the first is the caller's");
    assertTrue(
        threads.stream().allMatch(Thread.currentThread().getName()::equals), threads.toString());
  }

  @Test
  void workersAndCaller_eachItemSealedExactlyOnce() throws Exception {
    ConcurrentHashMap<Integer, Integer> calls = new ConcurrentHashMap<>();
    List<Integer> items = IntStream.range(0, 5_000).boxed().toList();
    int count = 0;
    try (SealAhead<Integer, Integer> ahead =
        new SealAhead<>(
            items,
            16,
            i -> {
              calls.merge(i, 1, Integer::sum);
              return i;
            },
            pool)) {
      while (ahead.hasNext()) {
        assertEquals(count++, ahead.next());
      }
    }
    assertEquals(items.size(), calls.size());
    assertTrue(calls.values().stream().allMatch(n -> n == 1), "an item sealed twice");
  }

  @Test
  void stepFails_nextThrowsTheSameException_onWorkerOrCaller() {
    GeneralSecurityException failure = new GeneralSecurityException("bad key");
    List<Integer> items = IntStream.range(0, 100).boxed().toList();
    for (int failing : new int[] {0, 5, 99}) {
      try (SealAhead<Integer, Integer> ahead =
          new SealAhead<>(
              items,
              10,
              i -> {
                if (i == failing) {
                  throw failure;
                }
                return i;
              },
              pool)) {
        GeneralSecurityException thrown =
            assertThrows(
                GeneralSecurityException.class,
                () -> {
                  while (ahead.hasNext()) {
                    ahead.next();
                  }
                });
        assertSame(failure, thrown, "failing item " + failing);
      }
    }

    IllegalArgumentException runtime = new IllegalArgumentException("invalid");
    try (SealAhead<Integer, Integer> ahead =
        new SealAhead<>(
            items,
            10,
            i -> {
              if (i == 42) {
                throw runtime;
              }
              return i;
            },
            pool)) {
      assertSame(
          runtime,
          assertThrows(
              IllegalArgumentException.class,
              () -> {
                while (ahead.hasNext()) {
                  ahead.next();
                }
              }));
    }
  }

  @Test
  void close_cancelsTheChunksNotStarted() throws Exception {
    List<Runnable> queued = new ArrayList<>();
    List<Integer> sealed = new ArrayList<>();
    try (SealAhead<Integer, Integer> ahead =
        new SealAhead<>(
            List.of(1, 2, 3, 4, 5, 6),
            2,
            i -> {
              sealed.add(i);
              return i;
            },
            queued::add)) {
      assertEquals(1, ahead.next()); // the caller's own first chunk
    }
    // The writer gave up (its transaction failed): what the pool would still run does nothing.
    for (Runnable task : queued) {
      task.run();
      assertTrue(((FutureTask<?>) task).isCancelled());
    }
    assertEquals(List.of(1, 2), sealed);
    assertFalse(queued.isEmpty());
  }
}
