package dev.memvault.server.sync;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.GrpcErrors;
import dev.memvault.server.errors.RejectedException;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.SyncStore;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The open Watch streams of one server, fed by one {@link SyncStore#subscribe} subscription for the
 * whole server, which also hears of appends made by other server processes on a shared database. A
 * notice that a vault's log grew wakes that vault's watchers; each watcher then reads what it has
 * not sent yet from the store and sends it while its stream is ready.
 *
 * <p>Costs: an idle stream holds no thread and no buffer, only its registration. Sending runs on a
 * small shared pool. Back-pressure is gRPC flow control: a watcher sends only while {@code
 * isReady()} and keeps no entries while its client does not read (what it read but could not send
 * is read again later), so a slow client costs no memory: it lags behind the log, which is its
 * buffer, and catches up when it reads again. At most one read batch per sender thread is in memory
 * at a time. The per-vault cap on streams bounds the store reads one append causes.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WatchHub.class.getName());

  /** Entries read from the store at a time for one watcher. */
  static final int READ_BATCH = 32;

  private static final long HEAD_UNKNOWN = -1;

  private final SyncStore store;
  private final Limits limits;
  private final ExecutorService senders;
  private final Map<ByteString, Set<Watcher>> byVault = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private volatile AutoCloseable subscription;
  private volatile boolean closed;

  public WatchHub(SyncStore store, Limits limits, int senderThreads) {
    this.store = store;
    this.limits = limits;
    AtomicInteger threads = new AtomicInteger();
    this.senders =
        Executors.newFixedThreadPool(
            senderThreads,
            task -> {
              Thread thread = new Thread(task, "memvault-watch-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Subscribes to the store; from here on appends reach watchers. */
  public void start() {
    subscription = store.subscribe(this::onAppended);
  }

  /** Open Watch streams. */
  public int activeStreams() {
    return active.get();
  }

  /**
   * Opens a Watch stream: sends the entries after {@code afterSeq}, then every later one as it is
   * appended, until the client cancels or the server shuts down. Must be called from the service
   * method, which may not touch {@code responses} afterwards. {@code afterSeq} is not negative.
   *
   * @throws RejectedException TOO_MANY_WATCHES or SHUTTING_DOWN, with the stream untouched
   */
  public void watch(
      ByteString vaultId, long afterSeq, ServerCallStreamObserver<LogEntry> responses) {
    if (closed) {
      throw new RejectedException(ErrorReason.SHUTTING_DOWN);
    }
    Watcher watcher = new Watcher(vaultId, afterSeq, responses);
    AtomicBoolean admitted = new AtomicBoolean();
    byVault.compute(
        vaultId,
        (key, watchers) -> {
          Set<Watcher> set = watchers == null ? ConcurrentHashMap.newKeySet() : watchers;
          if (set.size() < limits.maxWatchesPerVault()) {
            set.add(watcher);
            admitted.set(true);
          }
          return set.isEmpty() ? null : set;
        });
    if (!admitted.get()) {
      throw new RejectedException(ErrorReason.TOO_MANY_WATCHES);
    }
    active.incrementAndGet();
    synchronized (watcher) {
      // Under the watcher's lock: a close() that already sees the watcher waits for this.
      responses.setOnCancelHandler(watcher::cancelled);
      responses.setOnReadyHandler(watcher::schedule);
    }
    if (closed) {
      watcher.finish(GrpcErrors.status(ErrorReason.SHUTTING_DOWN));
      return;
    }
    // Read after registering: an append between the two is then either in this head or noticed.
    watcher.schedule(HEAD_UNKNOWN);
  }

  private void onAppended(SyncStore.Appended appended) {
    Set<Watcher> watchers = byVault.get(ByteString.copyFrom(appended.vaultId()));
    if (watchers != null) {
      for (Watcher watcher : watchers) {
        watcher.schedule(appended.head().getSeq());
      }
    }
  }

  private void remove(Watcher watcher) {
    if (!watcher.registered.compareAndSet(true, false)) {
      return;
    }
    byVault.computeIfPresent(
        watcher.vaultId,
        (key, watchers) -> {
          watchers.remove(watcher);
          return watchers.isEmpty() ? null : watchers;
        });
    active.decrementAndGet();
  }

  /**
   * Stops hearing of appends and ends every open stream with UNAVAILABLE (SHUTTING_DOWN), so that
   * clients reconnect, to another process or after the restart, and resume from their last seq.
   */
  @Override
  public void close() {
    closed = true;
    AutoCloseable current = subscription;
    if (current != null) {
      try {
        current.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "cannot unsubscribe from the sync store", e);
      }
    }
    List<Watcher> all = new ArrayList<>();
    byVault.values().forEach(all::addAll);
    StatusRuntimeException shuttingDown = GrpcErrors.status(ErrorReason.SHUTTING_DOWN);
    for (Watcher watcher : all) {
      watcher.finish(shuttingDown);
    }
    senders.shutdown();
    try {
      if (!senders.awaitTermination(5, TimeUnit.SECONDS)) {
        senders.shutdownNow();
      }
    } catch (InterruptedException e) {
      senders.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** One Watch stream. */
  private final class Watcher {
    final ByteString vaultId;
    final byte[] vault;
    final ServerCallStreamObserver<LogEntry> responses;
    final AtomicBoolean registered = new AtomicBoolean(true);

    /** The highest head seq heard of; HEAD_UNKNOWN until the first read of the head. */
    final AtomicLong knownHead = new AtomicLong(HEAD_UNKNOWN);

    /** Drain requests not yet served; the thread that moves it from 0 drains. */
    final AtomicInteger pendingDrains = new AtomicInteger();

    // Guarded by this: touched by the draining thread and by cancel/finish.
    private long sentSeq;
    private boolean done;

    Watcher(ByteString vaultId, long afterSeq, ServerCallStreamObserver<LogEntry> responses) {
      this.vaultId = vaultId;
      this.vault = vaultId.toByteArray();
      this.responses = responses;
      this.sentSeq = afterSeq;
    }

    /** The log grew to {@code headSeq} (or HEAD_UNKNOWN: read the head): drain soon. */
    void schedule(long headSeq) {
      if (headSeq != HEAD_UNKNOWN) {
        knownHead.accumulateAndGet(headSeq, Math::max);
      }
      schedule();
    }

    /** The stream became ready, or there is news: drain soon. */
    void schedule() {
      if (pendingDrains.getAndIncrement() == 0) {
        try {
          senders.execute(this::drainLoop);
        } catch (RejectedExecutionException e) {
          pendingDrains.set(0); // shutting down: close() ends the stream
        }
      }
    }

    private void drainLoop() {
      int requests = 1;
      do {
        drain();
        requests = pendingDrains.addAndGet(-requests);
      } while (requests != 0);
    }

    private synchronized void drain() {
      try {
        if (knownHead.get() == HEAD_UNKNOWN && !done) {
          knownHead.accumulateAndGet(store.head(vault).getSeq(), Math::max);
        }
        while (!done && responses.isReady() && sentSeq < knownHead.get()) {
          List<LogEntry> batch = store.read(vault, sentSeq, READ_BATCH);
          if (batch.isEmpty()) {
            return;
          }
          for (LogEntry entry : batch) {
            if (done || !responses.isReady()) {
              return; // the rest is read again when the client reads again
            }
            responses.onNext(entry);
            sentSeq = entry.getSeq();
          }
        }
      } catch (RuntimeException e) {
        finish(GrpcErrors.toStatusException("Watch", e));
      }
    }

    synchronized void finish(StatusRuntimeException status) {
      if (done) {
        return;
      }
      done = true;
      remove(this);
      try {
        responses.onError(status);
      } catch (RuntimeException e) {
        // The call ended in the meantime (cancelled): nothing left to tell the client.
      }
    }

    void cancelled() {
      synchronized (this) {
        done = true;
      }
      remove(this);
    }
  }
}
