package dev.memvault.server.sync;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How many pushed batches the whole server holds at once: read from the network and not yet stored.
 * A {@link PushStream} asks gRPC for its next batch only once it has a place here, so that when
 * many devices push at once their batches wait in HTTP/2 flow control (as bytes, within each
 * stream's window) rather than parsed on the heap: the server holds at most {@code capacity} parsed
 * batches, however many devices push, to bound the heap (docs/PERFORMANCE.md). Places go to the
 * longest waiting first, so every device has its turn.
 */
final class PushBudget {
  /** Someone waiting for a place: takes it, or declines it because it stopped reading meanwhile. */
  interface Claimant {
    boolean take();
  }

  private final int capacity;
  private final Deque<Claimant> waiting = new ArrayDeque<>();
  private int free;

  PushBudget(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a push budget needs at least one place: " + capacity);
    }
    this.capacity = capacity;
    this.free = capacity;
  }

  /**
   * Offers {@code claimant} a place: now, on this thread, if one is free; otherwise later, on the
   * thread that frees one. A place taken is given back with {@link #release}.
   */
  void acquire(Claimant claimant) {
    synchronized (this) {
      if (free == 0) {
        waiting.addLast(claimant);
        return;
      }
      free--;
    }
    if (!claimant.take()) {
      release();
    }
  }

  /** Gives a place back: to the longest waiting claimant that takes it, or to the free ones. */
  void release() {
    while (true) {
      Claimant next;
      synchronized (this) {
        next = waiting.pollFirst();
        if (next == null) {
          if (free == capacity) {
            throw new IllegalStateException("a push budget place was released twice");
          }
          free++;
          return;
        }
      }
      // Outside the lock: taking a place asks gRPC for a message.
      if (next.take()) {
        return;
      }
    }
  }

  synchronized int freePlaces() {
    return free;
  }

  synchronized int usedPlaces() {
    return capacity - free;
  }

  synchronized int waitingClaimants() {
    return waiting.size();
  }
}
