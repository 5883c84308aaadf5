package dev.memvault.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.Seeds;
import dev.memvault.core.vault.CreatedVault;
import dev.memvault.core.vault.Selection;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.SyncPayload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Vault#applyRemote}: the outbox records every local write, and merging the same set of
 * revisions in any order, any number of times, gives every replica the same memories, current
 * revisions and histories (docs/FORMAT.md, section 14.2).
 */
class VaultMergeTest {
  private static final char[] PASSPHRASE = "merge test passphrase".toCharArray();

  @TempDir Path dir;

  private Path backup;
  private int replicas;

  /** A vault with scopes "work" and "home" and one memory, backed up; replicas restore it. */
  private void base() {
    CreatedVault created = Vault.create(dir.resolve("base"), PASSPHRASE);
    try (Vault vault = created.vault()) {
      vault.add(Drafts.note("work", "base work memory"));
      vault.add(Drafts.note("home", "base home memory"));
      backup = dir.resolve("base.mvbackup");
      vault.backup(backup);
    }
  }

  /** A new device of the base vault: its own device id, empty outbox, no sync state. */
  private Vault replica() {
    return Vault.restore(backup, dir.resolve("replica-" + replicas++), PASSPHRASE);
  }

  private static List<RemoteChange> drain(Vault vault) {
    List<RemoteChange> changes = new ArrayList<>();
    List<OutboxEntry> pending = vault.replica().pendingChanges(0, 10_000);
    for (OutboxEntry entry : pending) {
      changes.add(
          new RemoteChange(
              0,
              new byte[32],
              entry.changeId(),
              vault.replica().deviceIdBytes(),
              entry.recordId(),
              entry.payload()));
    }
    vault.replica().dropPending(pending);
    return changes;
  }

  private static SyncCursor cursor() {
    return SyncCursor.start("http://test");
  }

  @Test
  void localWrites_eachAppendOneOutboxEntry_scopeBeforeItsFirstRevision() {
    CreatedVault created = Vault.create(dir.resolve("v"), PASSPHRASE);
    try (Vault vault = created.vault()) {
      Memory added = vault.add(Drafts.note("work", "first"));
      vault.update(added.getId(), b -> b.setText("second"));
      vault.rotateScopeKey("work");

      List<OutboxEntry> pending = vault.replica().pendingChanges(0, 100);
      assertEquals(4, pending.size());
      List<SyncPayload.ContentCase> cases = new ArrayList<>();
      for (OutboxEntry entry : pending) {
        cases.add(parse(entry.payload()).getContentCase());
      }
      assertEquals(
          List.of(
              SyncPayload.ContentCase.SCOPE,
              SyncPayload.ContentCase.REVISION,
              SyncPayload.ContentCase.REVISION,
              SyncPayload.ContentCase.SCOPE),
          cases);
      // The queued revisions are the stored ones, read back at push time.
      assertEquals(1, parse(pending.get(1).payload()).getRevision().getRevision());
      assertEquals(2, parse(pending.get(2).payload()).getRevision().getRevision());
      assertTrue(added.getHlc() > 0);
      vault.replica().dropPending(pending.subList(0, 2));
      assertEquals(2, vault.replica().pendingChangeCount());
    }
  }

  @Test
  void localWrites_forgottenBeforePush_onlyTheTombstoneGoesOut() {
    CreatedVault created = Vault.create(dir.resolve("v"), PASSPHRASE);
    try (Vault vault = created.vault()) {
      Memory added = vault.add(Drafts.note("work", "first"));
      vault.update(added.getId(), b -> b.setText("second"));
      vault.forget(added.getId());

      List<OutboxEntry> pending = vault.replica().pendingChanges(0, 100);

      // Revisions 1 and 2 were purged by the forget; every replica would discard them anyway.
      assertEquals(2, pending.size());
      assertEquals(SyncPayload.ContentCase.SCOPE, parse(pending.get(0).payload()).getContentCase());
      assertEquals(3, parse(pending.get(1).payload()).getRevision().getRevision());
      assertEquals(2, vault.replica().pendingChangeCount(), "the superseded rows left the queue");
    }
  }

  @Test
  void applyRemote_addUpdateForgetRotate_propagateAndReapplyIsNoop() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      Memory note = laptop.add(Drafts.note("work", "from the laptop", "t1"));
      laptop.rotateScopeKey("work");
      Memory after = laptop.add(Drafts.note("work", "after rotation"));
      laptop.update(note.getId(), b -> b.setText("edited on the laptop"));
      List<RemoteChange> changes = drain(laptop);

      ApplyReport report = phone.replica().applyRemote(changes, cursor().withHead(4, new byte[32]));
      assertEquals(3, report.revisions());
      assertEquals(1, report.scopes());
      assertEquals("edited on the laptop", phone.get(note.getId()).getText());
      assertEquals("after rotation", phone.get(after.getId()).getText());
      assertEquals(laptop.history(note.getId()), phone.history(note.getId()));
      assertEquals(4, phone.replica().syncCursor().orElseThrow().seq());
      List<Memory> before = sorted(phone.list(Selection.all()));
      phone.replica().applyRemote(changes, cursor());
      assertEquals(before, sorted(phone.list(Selection.all())));

      laptop.forget(note.getId());
      phone.replica().applyRemote(drain(laptop), cursor());
      assertThrows(VaultException.UnknownItem.class, () -> phone.get(note.getId()));
      assertTrue(phone.replica().pendingChangeCount() == 0, "applied changes are not pushed again");
    }
  }

  @Test
  void applyRemote_sameScopeCreatedOnTwoDevicesOffline_oneScopeWithBothKeys() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      Memory onLaptop = laptop.add(Drafts.note("travel", "laptop's travel plans"));
      Memory onPhone = phone.add(Drafts.note("travel", "phone's travel plans"));
      List<RemoteChange> fromLaptop = drain(laptop);
      List<RemoteChange> fromPhone = drain(phone);

      phone.replica().applyRemote(fromLaptop, cursor());
      laptop.replica().applyRemote(fromPhone, cursor());

      for (Vault vault : List.of(laptop, phone)) {
        assertEquals("laptop's travel plans", vault.get(onLaptop.getId()).getText());
        assertEquals("phone's travel plans", vault.get(onPhone.getId()).getText());
        assertEquals(
            2,
            vault.scopes().stream()
                .filter(s -> s.name().equals("travel"))
                .findFirst()
                .orElseThrow()
                .keyCount());
      }
      assertEquals(sorted(laptop.list(Selection.all())), sorted(phone.list(Selection.all())));
    }
  }

  @Test
  void applyRemote_revisionOfAnotherVault_refusedAndNothingApplied() {
    base();
    Path other = dir.resolve("other");
    try (Vault stranger = Vault.create(other, PASSPHRASE).vault();
        Vault phone = replica()) {
      stranger.add(Drafts.note("work", "not yours"));
      List<RemoteChange> changes = drain(stranger);
      VaultException e =
          assertThrows(VaultException.class, () -> phone.replica().applyRemote(changes, cursor()));
      assertTrue(e.getMessage().contains("refusing"), e.getMessage());
      assertTrue(phone.replica().syncCursor().isEmpty());
    }
  }

  /**
   * A revision whose ciphertext was altered (by a device of the vault, or anyone holding a scope
   * key) is refused as it is applied, in the middle of a batch, and nothing of the batch is
   * applied; the intact batch then is.
   */
  @Test
  void applyRemote_ciphertextAlteredMidBatch_refusedAndNothingApplied() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      for (int i = 0; i < 150; i++) {
        laptop.add(Drafts.note("work", "pulled note number" + i));
      }
      List<RemoteChange> changes = drain(laptop);
      List<RemoteChange> tampered = new ArrayList<>(changes);
      int target = 110;
      RemoteChange original = changes.get(target);
      SyncPayload payload = parse(original.payload());
      byte[] ciphertext = payload.getRevision().getCiphertext().toByteArray();
      ciphertext[ciphertext.length / 2] ^= 0x01;
      SyncPayload altered =
          payload.toBuilder()
              .setRevision(
                  payload.getRevision().toBuilder()
                      .setCiphertext(com.google.protobuf.ByteString.copyFrom(ciphertext)))
              .build();
      tampered.set(
          target,
          new RemoteChange(
              original.seq(),
              original.entryHash(),
              original.changeId(),
              original.deviceId(),
              original.recordId(),
              altered.toByteArray()));

      VaultException e =
          assertThrows(VaultException.class, () -> phone.replica().applyRemote(tampered, cursor()));

      assertTrue(e.getMessage().contains("does not decrypt"), e.getMessage());
      assertTrue(phone.replica().syncCursor().isEmpty());
      assertEquals(0, phone.search("pulled", Selection.all()).size());
      phone.replica().applyRemote(changes, cursor());
      assertEquals(
          150, phone.search("pulled", Selection.all().limitedTo(Selection.MAX_LIMIT)).size());
    }
  }

  @Test
  void applyRemote_sameRevisionsInRandomOrders_replicasConverge() {
    long seed = Seeds.seed("applyRemote_sameRevisionsInRandomOrders_replicasConverge");
    Random random = new Random(seed);
    base();
    List<Vault> writers = List.of(replica(), replica(), replica());
    try {
      // Shared records first, so that the writers then edit the same memories concurrently.
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ids.add(
            writers.get(0).add(Drafts.note(i % 2 == 0 ? "work" : "home", "memory " + i)).getId());
      }
      // The server's log: every change in the order it was pushed. A device that syncs reads
      // the log as it is; it never sees one device's changes without the ones they depend on
      // (a revision sealed under a key that its writer received from a third device).
      List<RemoteChange> all = new ArrayList<>(drain(writers.get(0)));
      for (Vault writer : writers.subList(1, 3)) {
        writer.replica().applyRemote(all, cursor());
      }
      for (int step = 0; step < 40; step++) {
        int w = random.nextInt(writers.size());
        Vault writer = writers.get(w);
        String id = ids.get(random.nextInt(ids.size()));
        int op = random.nextInt(10);
        try {
          if (op < 6) {
            writer.update(id, b -> b.setText("edit " + random.nextInt(1000) + " by " + w));
          } else if (op < 7) {
            writer.forget(id);
          } else if (op < 8) {
            writer.rotateScopeKey(random.nextBoolean() ? "work" : "home");
          } else if (op < 9) {
            // "travel" does not exist in the base: writers create it independently.
            ids.add(
                writer
                    .add(Drafts.note(random.nextBoolean() ? "work" : "travel", "new " + step))
                    .getId());
          } else {
            // This writer syncs: it reads the log as pushed so far (the others are offline).
            writer.replica().applyRemote(all, cursor());
          }
        } catch (VaultException.UnknownItem forgottenOrUnknownHere) {
          // The writer forgot this memory, or has not seen it yet: nothing to do.
        }
        all.addAll(drain(writer));
      }

      Snapshot expected = null;
      for (int trial = 0; trial < 3; trial++) {
        try (Vault fresh = replica()) {
          applyShuffled(fresh, all, random);
          Snapshot got = Snapshot.of(fresh, ids);
          if (expected == null) {
            expected = got;
          } else {
            assertEquals(expected, got, "replica " + trial + Seeds.context(seed));
          }
          assertSearchFindsExactlyTheLive(fresh, seed);
        }
      }
      for (int w = 0; w < writers.size(); w++) {
        applyShuffled(writers.get(w), all, random);
        assertEquals(
            expected, Snapshot.of(writers.get(w), ids), "writer " + w + Seeds.context(seed));
        assertSearchFindsExactlyTheLive(writers.get(w), seed);
      }
    } finally {
      writers.forEach(Vault::close);
    }
  }

  /**
   * Every word of every live memory finds exactly the live memories holding it: merges replace and
   * tombstone indexed memories, and the contentless index must follow them word for word. Each word
   * is searched quoted, as written: not by its stems, and kept if it is a stop word.
   */
  private static void assertSearchFindsExactlyTheLive(Vault vault, long seed) {
    Map<String, TreeSet<String>> holders = new TreeMap<>();
    for (Memory memory : vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT))) {
      for (String word : memory.getText().split(" ")) {
        holders.computeIfAbsent(word, w -> new TreeSet<>()).add(memory.getId());
      }
    }
    holders.forEach(
        (word, expected) -> {
          TreeSet<String> found = new TreeSet<>();
          vault
              .search("\"" + word + "\"", Selection.all().limitedTo(Selection.MAX_LIMIT))
              .forEach(hit -> found.add(hit.memory().getId()));
          assertEquals(expected, found, "search for '" + word + "'" + Seeds.context(seed));
        });
  }

  /** Scopes first (a server delivers a scope before anything in it), the rest in any order. */
  private static void applyShuffled(Vault vault, List<RemoteChange> changes, Random random) {
    List<RemoteChange> scopes = new ArrayList<>();
    List<RemoteChange> revisions = new ArrayList<>();
    for (RemoteChange change : changes) {
      (parse(change.payload()).hasScope() ? scopes : revisions).add(change);
    }
    Collections.shuffle(scopes, random);
    Collections.shuffle(revisions, random);
    vault.replica().applyRemote(scopes, cursor());
    int i = 0;
    while (i < revisions.size()) {
      int n = 1 + random.nextInt(5);
      List<RemoteChange> batch = revisions.subList(i, Math.min(revisions.size(), i + n));
      vault.replica().applyRemote(batch, cursor());
      if (random.nextInt(4) == 0) {
        vault.replica().applyRemote(batch, cursor());
      }
      i += n;
    }
  }

  private static SyncPayload parse(byte[] payload) {
    try {
      return SyncPayload.parseFrom(payload);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Memory> sorted(List<Memory> memories) {
    List<Memory> copy = new ArrayList<>(memories);
    copy.sort(Comparator.comparing(Memory::getId));
    return copy;
  }

  /** What a user can see: every live memory, and the history of each, by id. */
  private record Snapshot(
      List<Memory> live, TreeMap<String, List<Memory>> histories, TreeSet<String> forgotten) {
    static Snapshot of(Vault vault, List<String> ids) {
      TreeMap<String, List<Memory>> histories = new TreeMap<>();
      TreeSet<String> forgotten = new TreeSet<>();
      for (String id : ids) {
        try {
          histories.put(id, vault.history(id));
        } catch (VaultException.UnknownItem e) {
          forgotten.add(id);
        }
      }
      return new Snapshot(
          sorted(vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT))), histories, forgotten);
    }
  }
}
