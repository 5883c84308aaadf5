package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.core.sync.Replica;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.v1.Kind;
import dev.memvault.protocol.LogChain;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.PostgresSyncStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code memvault-server} processes sharing one PostgreSQL, as the README's replica
 * section sets them up, with real devices syncing through either: a device linked through one
 * replica joins through the other, and a replica killed (SIGKILL) in the middle of a device's push
 * loses nothing it acknowledged, the rest arriving through the other replica.
 */
class ReplicaProcessesTest {
  private static final String SECRET = "5e".repeat(32);

  /** Six push batches: the kill comes after two are acknowledged, with more on their way. */
  private static final int MEMORIES = 6 * SyncClient.PUSH_BATCH;

  private static final int KILL_AFTER_ACKNOWLEDGED = 2 * SyncClient.PUSH_BATCH;

  @TempDir Path dir;

  @Test
  void link_approvedThroughOneReplicaJoinedThroughTheOther_eachSeesTheOthersMemories()
      throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        ReplicaProcess first = replica(postgres, "first.log");
        ReplicaProcess second = replica(postgres, "second.log");
        MemoryVault laptop = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault()) {
      laptop.add(NewMemory.of("work", Kind.NOTE, "written on the laptop"));
      sync(laptop, first.url());

      try (MemoryVault phone =
          Linking.link(laptop, first.url(), second.url(), dir.resolve("phone")).vault()) {
        assertTrue(has(phone, "written on the laptop"));
        phone.add(NewMemory.of("work", Kind.NOTE, "written on the phone"));
        sync(phone, second.url());
      }
      sync(laptop, first.url());

      assertTrue(has(laptop, "written on the phone"));
    }
  }

  @Test
  void push_replicaKilledMidPush_nothingAcknowledgedLostAndTheRestArrivesThroughTheOther()
      throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        ReplicaProcess first = replica(postgres, "first.log");
        ReplicaProcess second = replica(postgres, "second.log");
        MemoryVault laptop = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault()) {
      laptop.add(NewMemory.of("work", Kind.NOTE, "before the import"));
      sync(laptop, first.url());
      try (MemoryVault phone = Linking.link(laptop, second.url(), dir.resolve("phone")).vault()) {
        laptop.addAll(
            IntStream.range(0, MEMORIES)
                .mapToObj(i -> NewMemory.of("work", Kind.NOTE, "imported note " + i))
                .toList());

        // What the first replica acknowledged, as the device recorded it: change id -> log seq.
        Map<ByteString, Long> acknowledged = new HashMap<>();
        Replica killingFirst =
            afterEachAcknowledgment(
                laptop.replica(),
                (stored, seqs) -> {
                  for (int i = 0; i < stored.size(); i++) {
                    acknowledged.put(ByteString.copyFrom(stored.get(i).changeId()), seqs.get(i));
                  }
                  if (acknowledged.size() >= KILL_AFTER_ACKNOWLEDGED) {
                    first.kill();
                  }
                });
        try (SyncClient cut = SyncClient.connect(killingFirst, first.url())) {
          assertThrows(VaultException.class, cut::sync);
        }
        assertTrue(acknowledged.size() >= KILL_AFTER_ACKNOWLEDGED, acknowledged.size() + "");
        long left = laptop.replica().pendingChangeCount();
        assertTrue(left > 0, "the kill came before the push ended");

        SyncReport resumed = sync(laptop, second.url());

        assertEquals(0, laptop.replica().pendingChangeCount(), resumed.toString());
        byte[] vaultId = laptop.replica().vaultIdBytes();
        List<LogEntry> log = storedLog(postgres, vaultId);
        LogChain.verifyExtends(LogChain.emptyHead(), log, vaultId);
        Map<ByteString, List<Long>> seqsById = new HashMap<>();
        for (LogEntry entry : log) {
          seqsById
              .computeIfAbsent(entry.getChange().getChangeId(), id -> new ArrayList<>())
              .add(entry.getSeq());
        }
        acknowledged.forEach(
            (changeId, seq) ->
                assertEquals(List.of(seq), seqsById.get(changeId), "where it was acknowledged"));
        sync(phone, second.url());
        List<String> imported =
            phone.list(Selection.all().limitedTo(Selection.MAX_LIMIT)).stream()
                .map(memory -> memory.getText())
                .filter(text -> text.startsWith("imported note "))
                .sorted()
                .toList();
        assertEquals(
            IntStream.range(0, MEMORIES).mapToObj(i -> "imported note " + i).sorted().toList(),
            imported,
            "every memory once");
      }
    }
  }

  /** What to do after each acknowledgment the device records. */
  private interface Acknowledged {
    void recorded(List<OutboxEntry> stored, List<Long> seqs) throws Exception;
  }

  /** {@code replica}, calling {@code hook} right after each acknowledgment it records. */
  private static Replica afterEachAcknowledgment(Replica replica, Acknowledged hook) {
    return (Replica)
        Proxy.newProxyInstance(
            Replica.class.getClassLoader(),
            new Class<?>[] {Replica.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(replica, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (method.getName().equals("acknowledge")) {
                @SuppressWarnings("unchecked")
                List<OutboxEntry> stored = (List<OutboxEntry>) args[0];
                @SuppressWarnings("unchecked")
                List<Long> seqs = (List<Long>) args[1];
                hook.recorded(stored, seqs);
              }
              return result;
            });
  }

  private ReplicaProcess replica(EmbeddedPostgres postgres, String log) throws Exception {
    return ReplicaProcess.start(
        postgres.getJdbcUrl("postgres", "postgres"), SECRET, dir.resolve(log));
  }

  private static List<LogEntry> storedLog(EmbeddedPostgres postgres, byte[] vaultId) {
    try (PostgresSyncStore store =
        PostgresSyncStore.open(
            postgres.getJdbcUrl("postgres", "postgres"),
            "postgres",
            null,
            Limits.DEFAULTS.storeLimits())) {
      return store.read(vaultId, 0, Integer.MAX_VALUE);
    }
  }

  private static SyncReport sync(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.sync();
    }
  }

  private static boolean has(MemoryVault vault, String text) {
    return vault.list(Selection.all()).stream().anyMatch(m -> m.getText().equals(text));
  }
}
