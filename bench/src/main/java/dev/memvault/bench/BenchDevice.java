package dev.memvault.bench;

import com.google.protobuf.ByteString;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.core.sync.Replica;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.v1.Kind;
import dev.memvault.protocol.ChangeBatches;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.sync.SignedChange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One device of the sync benchmarks: a vault of its own (a separate vault per device, since a
 * second device cannot join a vault yet) and the changes it has ready to push: real envelopes of
 * real memories from its outbox, signed by its device key exactly as {@code SyncClient} signs them,
 * built before any timing starts.
 */
final class BenchDevice implements AutoCloseable {
  static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  static final String SCOPE = "notes";

  private final MemoryVault vault;
  private final List<PushRequest> pushes;

  private BenchDevice(MemoryVault vault, List<PushRequest> pushes) {
    this.vault = vault;
    this.pushes = pushes;
  }

  /** A new vault with no memories and nothing to push. */
  static BenchDevice create(Path directory) {
    return new BenchDevice(MemoryVault.create(directory, PASSPHRASE).vault(), new ArrayList<>());
  }

  MemoryVault vault() {
    return vault;
  }

  Replica replica() {
    return vault.replica();
  }

  /**
   * Adds corpus documents {@code first} to {@code first + count - 1} as memories, then takes every
   * pending change out of the outbox into signed pushes of {@code perPush} changes. Call after
   * {@link DeviceSession#register}, so that the outbox holds only these memories.
   */
  void prepare(Corpus corpus, long first, int count, int perPush) {
    addMemories(corpus, first, count);
    pushes.addAll(takeOutbox(vault.replica(), perPush));
  }

  /** Adds corpus documents {@code first} to {@code first + count - 1}, 1,000 per transaction. */
  void addMemories(Corpus corpus, long first, int count) {
    List<NewMemory> memories = new ArrayList<>();
    for (long i = first; i < first + count; i++) {
      Corpus.Document document = corpus.document(i);
      memories.add(NewMemory.of(SCOPE, Kind.NOTE, document.text()).withTags(document.tags()));
      if (memories.size() == 1_000) {
        vault.addAll(memories);
        memories.clear();
      }
    }
    if (!memories.isEmpty()) {
      vault.addAll(memories);
    }
  }

  /**
   * Every pending change, signed and batched as SyncClient.push does. The outbox is acknowledged at
   * once, so that registering this device with another server later pushes nothing: the same signed
   * changes are pushed to each server by the benchmark itself.
   */
  private static List<PushRequest> takeOutbox(Replica vault, int perPush) {
    DeviceSigningKey key = vault.deviceSigningKey();
    byte[] vaultId = vault.vaultIdBytes();
    ByteString deviceId = ByteString.copyFrom(vault.deviceIdBytes());
    List<OutboxEntry> pending = vault.pendingChanges(0, Integer.MAX_VALUE);
    List<PushRequest> requests = new ArrayList<>();
    for (int from = 0; from < pending.size(); from += perPush) {
      List<OutboxEntry> batch = pending.subList(from, Math.min(pending.size(), from + perPush));
      requests.add(
          PushRequest.newBuilder()
              .addAllChanges(SignedChange.batch(key, vaultId, deviceId, batch))
              .setIdsOnly(true) // as SyncClient.push asks
              .build());
    }
    vault.dropPending(pending);
    return requests;
  }

  /**
   * Replaces what this device pushes with copies of {@code templates}, {@code times} over: their
   * payloads (real envelopes, of another device) under fresh change and record ids of this device,
   * signed as batches by its key. For warming a server up: it never reads a payload, so to it these
   * cost what the templates cost, and they take no vault work to make. No client ever pulls them.
   */
  void pushCopiesOf(List<PushRequest> templates, int times, Random random) {
    Replica engine = vault.replica();
    pushes.clear();
    pushes.addAll(
        signedCopies(
            templates,
            times,
            engine.vaultIdBytes(),
            engine.deviceIdBytes(),
            engine.deviceSigningKey(),
            random));
  }

  /**
   * Copies of {@code templates}, {@code times} over, as device {@code deviceId} of vault {@code
   * vaultId} would push them: the templates' payloads under fresh change and record ids, signed as
   * batches by {@code key}. The server never reads a payload, so to it a copy costs what its
   * template costs.
   */
  static List<PushRequest> signedCopies(
      List<PushRequest> templates,
      int times,
      byte[] vaultId,
      byte[] deviceIdBytes,
      DeviceSigningKey key,
      Random random) {
    ByteString deviceId = ByteString.copyFrom(deviceIdBytes);
    List<PushRequest> copies = new ArrayList<>();
    for (int round = 0; round < times; round++) {
      for (PushRequest template : templates) {
        List<Change> unsigned = new ArrayList<>(template.getChangesCount());
        for (Change change : template.getChangesList()) {
          unsigned.add(
              Change.newBuilder()
                  .setChangeId(randomId(random))
                  .setDeviceId(deviceId)
                  .setRecordId(randomId(random))
                  .setPayload(change.getPayload())
                  .build());
        }
        copies.add(
            PushRequest.newBuilder()
                .addAllChanges(ChangeBatches.sign(vaultId, deviceId, unsigned, key::sign))
                .setIdsOnly(true)
                .build());
      }
    }
    return copies;
  }

  /** Forgets what this device had to push (a warm-up device's copies, once pushed). */
  void dropPushes() {
    pushes.clear();
  }

  private static ByteString randomId(Random random) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  /** The signed pushes, in order. */
  List<PushRequest> pushes() {
    return pushes;
  }

  long changes() {
    return pushes.stream().mapToLong(PushRequest::getChangesCount).sum();
  }

  long payloadBytes() {
    long bytes = 0;
    for (PushRequest push : pushes) {
      for (Change change : push.getChangesList()) {
        bytes += change.getPayload().size();
      }
    }
    return bytes;
  }

  @Override
  public void close() {
    vault.close();
  }
}
