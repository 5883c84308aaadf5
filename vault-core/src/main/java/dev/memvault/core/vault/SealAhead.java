package dev.memvault.core.vault;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * A function applied to a list a chunk at a time on a pool while the caller takes the results in
 * order.
 *
 * <p>Why: adding many memories spends its time in two places, sealing each record (serialize,
 * deflate, encrypt: plain CPU work) and writing it (SQLite, which writes on one thread). Sealing
 * ahead on another core overlaps the two. The caller runs any chunk that no worker has started yet,
 * so it never sits waiting on a pool that is busy elsewhere or has no core to spare.
 *
 * <p>Closing cancels the chunks not started; one a worker is running finishes and is dropped.
 */
final class SealAhead<T, R> implements AutoCloseable {
  /** The work done per item, off the caller's thread. */
  interface Step<T, R> {
    R apply(T item) throws GeneralSecurityException;
  }

  private final List<FutureTask<List<R>>> chunks = new ArrayList<>();
  private int nextChunk;
  private Iterator<R> current = Collections.emptyIterator();

  SealAhead(List<T> items, int chunkSize, Step<T, R> step, Executor pool) {
    for (int from = 0; from < items.size(); from += chunkSize) {
      List<T> chunk = items.subList(from, Math.min(items.size(), from + chunkSize));
      chunks.add(
          new FutureTask<>(
              () -> {
                List<R> results = new ArrayList<>(chunk.size());
                for (T item : chunk) {
                  results.add(step.apply(item));
                }
                return results;
              }));
    }
    // The first chunk is the caller's own: it would only wait for it otherwise.
    for (int i = 1; i < chunks.size(); i++) {
      pool.execute(chunks.get(i));
    }
  }

  boolean hasNext() {
    return current.hasNext() || nextChunk < chunks.size();
  }

  /** The next result, sealed on this thread if no worker has started its chunk. */
  R next() throws GeneralSecurityException {
    if (!current.hasNext()) {
      if (nextChunk == chunks.size()) {
        throw new NoSuchElementException();
      }
      FutureTask<List<R>> wanted = chunks.get(nextChunk++);
      wanted.run(); // does nothing if a worker has started it
      // While a worker finishes it, this thread seals later chunks rather than wait.
      for (int later = nextChunk; !wanted.isDone() && later < chunks.size(); later++) {
        chunks.get(later).run();
      }
      current = resultsOf(wanted).iterator();
    }
    return current.next();
  }

  private static <R> List<R> resultsOf(FutureTask<List<R>> chunk) throws GeneralSecurityException {
    try {
      return chunk.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof GeneralSecurityException security) {
        throw security;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sealing records", e);
    } catch (CancellationException e) {
      throw new IllegalStateException("sealing was cancelled", e);
    }
  }

  @Override
  public void close() {
    for (int i = nextChunk; i < chunks.size(); i++) {
      chunks.get(i).cancel(false);
    }
  }
}
