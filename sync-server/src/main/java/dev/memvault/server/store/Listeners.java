package dev.memvault.server.store;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The subscribers of one store. Delivers each notice to every subscriber, one notice at a time, and
 * drops a notice whose head is not past the last one delivered for that vault: an older head tells
 * nothing new, and this keeps the heads a subscriber sees increasing per vault.
 */
final class Listeners {
  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private final CopyOnWriteArrayList<Consumer<SyncStore.Appended>> subscribers =
      new CopyOnWriteArrayList<>();
  private final Map<ByteBuffer, Long> deliveredSeq = new HashMap<>();

  AutoCloseable add(Consumer<SyncStore.Appended> listener) {
    Consumer<SyncStore.Appended> entry = listener::accept; // a distinct identity per subscription
    subscribers.add(entry);
    return () -> subscribers.remove(entry);
  }

  boolean isEmpty() {
    return subscribers.isEmpty();
  }

  synchronized void publish(SyncStore.Appended appended) {
    ByteBuffer vault = ByteBuffer.wrap(appended.vaultId().clone());
    Long before = deliveredSeq.get(vault);
    if (before != null && Long.compareUnsigned(appended.head().getSeq(), before) <= 0) {
      return;
    }
    deliveredSeq.put(vault, appended.head().getSeq());
    for (Consumer<SyncStore.Appended> subscriber : subscribers) {
      try {
        subscriber.accept(new SyncStore.Appended(appended.vaultId().clone(), appended.head()));
      } catch (RuntimeException e) {
        // One broken subscriber must not starve the others or fail the append that triggered it.
        LOG.log(System.Logger.Level.WARNING, "a sync store subscriber failed", e);
      }
    }
  }
}
