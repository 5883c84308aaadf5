package dev.memvault.server.sync;

import com.google.crypto.tink.PublicKeyVerify;
import dev.memvault.proto.sync.SigningInputs;
import dev.memvault.proto.sync.v1.Change;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks the device signatures of a pushed batch on several cores: each change's signature over
 * its signing input ({@link SigningInputs#change}), exactly as one loop over the batch would, with
 * the same answer (all verify, or the batch is refused). Checking a signature is most of what a
 * push costs the server (about 85 us of CPU per change), and a device's blocking pushes would
 * otherwise use one core of the server at a time.
 *
 * <p>The batch is cut into slices; the calling thread checks one and takes back any slice that no
 * pool thread has started, so a push never waits for a busy pool, and the pool's threads bound how
 * many signatures are checked at once across pushes.
 */
public final class ChangeSignatures implements AutoCloseable {
  /** Fewer changes than this per slice cost more to hand over than they save. */
  static final int MIN_SLICE = 16;

  private final int threads;
  private final ExecutorService pool;

  /**
   * @param threads pool threads besides the callers' (the number of cores less one uses every
   *     core for a single push); 0 checks every batch in the calling thread
   */
  public ChangeSignatures(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must not be negative: " + threads);
    }
    this.threads = threads;
    AtomicInteger count = new AtomicInteger();
    this.pool =
        threads == 0
            ? null
            : Executors.newFixedThreadPool(
                threads,
                task -> {
                  Thread thread =
                      new Thread(task, "memvault-verify-" + count.incrementAndGet());
                  thread.setDaemon(true);
                  return thread;
                });
  }

  /** Whether every change's signature verifies under {@code verifier} in vault {@code vaultId}. */
  public boolean allVerify(PublicKeyVerify verifier, byte[] vaultId, List<Change> changes) {
    int slices = pool == null ? 1 : Math.min(threads + 1, changes.size() / MIN_SLICE);
    if (slices <= 1) {
      return verify(verifier, vaultId, changes, new AtomicBoolean());
    }
    AtomicBoolean refused = new AtomicBoolean();
    List<FutureTask<Boolean>> handedOver = new ArrayList<>(slices - 1);
    int size = changes.size();
    for (int i = 1; i < slices; i++) {
      List<Change> slice = changes.subList(size * i / slices, size * (i + 1) / slices);
      FutureTask<Boolean> task =
          new FutureTask<>(() -> verify(verifier, vaultId, slice, refused));
      handedOver.add(task);
      try {
        pool.execute(task);
      } catch (RejectedExecutionException closing) {
        // The server is shutting down: the caller checks this slice itself, below.
      }
    }
    boolean verified = verify(verifier, vaultId, changes.subList(0, size / slices), refused);
    for (FutureTask<Boolean> task : handedOver) {
      task.run(); // does nothing if a pool thread has started it
      try {
        verified &= task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking signatures", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException unchecked) {
          throw unchecked; // as if the caller had checked this slice
        }
        throw new IllegalStateException("checking a signature failed", e.getCause());
      }
    }
    return verified && !refused.get();
  }

  /** Stops at the first bad signature, and as soon as another slice found one. */
  private static boolean verify(
      PublicKeyVerify verifier, byte[] vaultId, List<Change> changes, AtomicBoolean refused) {
    for (Change change : changes) {
      if (refused.get()) {
        return false;
      }
      try {
        verifier.verify(change.getSignature().toByteArray(), SigningInputs.change(vaultId, change));
      } catch (GeneralSecurityException e) {
        refused.set(true);
        return false;
      }
    }
    return true;
  }

  /** Stops the pool threads; checks running in them finish first. */
  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
