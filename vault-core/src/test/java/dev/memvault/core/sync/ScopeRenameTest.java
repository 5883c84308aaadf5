package dev.memvault.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.vault.CreatedVault;
import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.core.vault.Selection;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.SyncPayload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renaming and deleting scopes (docs/FORMAT.md, section 14.2, "Renaming and deleting a scope"): the
 * id, keys and memories stay; the naming travels in the scope record and merges by its clock, so
 * replicas that exchange the same changes in any order show the same names.
 */
class ScopeRenameTest {
  private static final char[] PASSPHRASE = "rename test passphrase".toCharArray();

  @TempDir Path dir;

  private Path backup;
  private int replicas;

  /** A vault with scope "work" holding one memory, backed up; replicas restore it. */
  private void base() {
    CreatedVault created = Vault.create(dir.resolve("base"), PASSPHRASE);
    try (Vault vault = created.vault()) {
      vault.add(Drafts.note("work", "base work memory"));
      backup = dir.resolve("base.mvbackup");
      vault.backup(backup);
    }
  }

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

  private static void apply(Vault vault, List<RemoteChange> changes) {
    vault.replica().applyRemote(changes, SyncCursor.start("http://test").withHead(1, new byte[32]));
  }

  private static List<String> names(Vault vault) {
    return vault.scopes().stream().map(ScopeSummary::name).toList();
  }

  private static List<String> scopesOfAll(Vault vault) {
    return vault.list(Selection.all()).stream().map(Memory::getScope).sorted().toList();
  }

  @Test
  void renameScope_memoriesAndNewAdds_keepTheScopeUnderTheNewName() {
    CreatedVault created = Vault.create(dir.resolve("v"), PASSPHRASE);
    try (Vault vault = created.vault()) {
      Memory before = vault.add(Drafts.note("work", "written before the rename"));

      vault.renameScope("work", "job");
      Memory after = vault.add(Drafts.note("job", "written after the rename"));

      assertEquals(List.of("job"), names(vault));
      assertEquals("job", vault.get(before.getId()).getScope());
      assertEquals("job", after.getScope());
      assertEquals(2, vault.list(Selection.all().inScope("job")).size());
      Memory edited = vault.update(before.getId(), b -> b.setText("edited after the rename"));
      assertEquals("job", edited.getScope());
    }
  }

  @Test
  void renameScope_reopened_keepsTheNameAndReadsEveryMemory() {
    Path path = dir.resolve("v");
    String id;
    try (Vault vault = Vault.create(path, PASSPHRASE).vault()) {
      id = vault.add(Drafts.note("work", "kept across a reopen")).getId();
      vault.renameScope("work", "job");
    }
    try (Vault vault = Vault.open(path, PASSPHRASE)) {
      assertEquals(List.of("job"), names(vault));
      assertEquals("job", vault.get(id).getScope());
    }
  }

  @Test
  void renameScope_backedUpAndRestored_keepsTheNameAndReadsEveryMemory() {
    String id;
    Path copy = dir.resolve("v.mvbackup");
    try (Vault vault = Vault.create(dir.resolve("v"), PASSPHRASE).vault()) {
      id = vault.add(Drafts.note("work", "kept across a backup")).getId();
      vault.renameScope("work", "job");
      vault.backup(copy);
    }
    try (Vault restored = Vault.restore(copy, dir.resolve("restored"), PASSPHRASE)) {
      assertEquals(List.of("job"), names(restored));
      assertEquals("kept across a backup", restored.get(id).getText());
      assertEquals("job", restored.get(id).getScope());
    }
  }

  @Test
  void renameScope_badInput_refusedAndNothingChanged() {
    try (Vault vault = Vault.create(dir.resolve("v"), PASSPHRASE).vault()) {
      vault.add(Drafts.note("work", "a"));
      vault.add(Drafts.note("home", "b"));
      long queued = vault.replica().pendingChangeCount();

      VaultException.UnknownItem unknown =
          assertThrows(VaultException.UnknownItem.class, () -> vault.renameScope("wrok", "job"));
      assertTrue(unknown.getMessage().contains("no scope named 'wrok'"), unknown.getMessage());
      VaultException.InvalidInput taken =
          assertThrows(VaultException.InvalidInput.class, () -> vault.renameScope("work", "home"));
      assertTrue(taken.getMessage().contains("'home' exists"), taken.getMessage());
      VaultException.InvalidInput invalid =
          assertThrows(VaultException.InvalidInput.class, () -> vault.renameScope("work", "Job!"));
      assertTrue(invalid.getMessage().contains("is not valid"), invalid.getMessage());

      assertEquals(List.of("home", "work"), names(vault));
      assertEquals(queued, vault.replica().pendingChangeCount());
    }
  }

  @Test
  void addToFormerName_whileTheRenamedScopeHoldsItsId_refusedUntilRenamedBack() {
    try (Vault vault = Vault.create(dir.resolve("v"), PASSPHRASE).vault()) {
      vault.add(Drafts.note("work", "a"));
      vault.renameScope("work", "job");

      VaultException.InvalidInput refused =
          assertThrows(
              VaultException.InvalidInput.class, () -> vault.add(Drafts.note("work", "b")));
      assertTrue(refused.getMessage().contains("was renamed to 'job'"), refused.getMessage());
      assertEquals(List.of("job"), names(vault));

      vault.renameScope("job", "work");
      vault.add(Drafts.note("work", "b"));
      assertEquals(List.of("work"), names(vault));
      assertEquals(2, vault.list(Selection.all().inScope("work")).size());
    }
  }

  @Test
  void renameToAnotherScopesFirstName_refused() {
    try (Vault vault = Vault.create(dir.resolve("v"), PASSPHRASE).vault()) {
      vault.add(Drafts.note("work", "a"));
      vault.add(Drafts.note("home", "b"));
      vault.renameScope("work", "job");

      VaultException.InvalidInput refused =
          assertThrows(VaultException.InvalidInput.class, () -> vault.renameScope("home", "work"));
      assertTrue(refused.getMessage().contains("created with"), refused.getMessage());
      assertEquals(List.of("home", "job"), names(vault));
    }
  }

  @Test
  void renameScope_synced_otherReplicaShowsTheNewName() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      laptop.renameScope("work", "job");
      List<RemoteChange> changes = drain(laptop);
      assertEquals(1, changes.size());
      assertEquals(
          SyncPayload.ContentCase.SCOPE, SyncPayloadsOf.parse(changes.get(0)).getContentCase());

      apply(phone, changes);

      assertEquals(List.of("job"), names(phone));
      assertEquals(List.of("job"), scopesOfAll(phone));
      Memory added = phone.add(Drafts.note("job", "added on the phone"));
      apply(laptop, drain(phone));
      assertEquals("job", laptop.get(added.getId()).getScope());
    }
  }

  @Test
  void renameScope_whileAnotherReplicaAddsToTheOldName_bothEndWithEveryMemoryInTheRenamedScope() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      laptop.renameScope("work", "job");
      Memory added = phone.add(Drafts.note("work", "added on the phone before it synced"));
      List<RemoteChange> fromLaptop = drain(laptop);
      List<RemoteChange> fromPhone = drain(phone);

      apply(phone, fromLaptop);
      apply(laptop, fromPhone);

      for (Vault replica : List.of(laptop, phone)) {
        assertEquals(List.of("job"), names(replica));
        assertEquals("job", replica.get(added.getId()).getScope());
        assertEquals(List.of("job", "job"), scopesOfAll(replica));
      }
    }
  }

  @Test
  void renameScope_concurrentlyOnTwoReplicas_bothEndWithTheSameName() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      laptop.renameScope("work", "job");
      phone.renameScope("work", "office");
      List<RemoteChange> fromLaptop = drain(laptop);
      List<RemoteChange> fromPhone = drain(phone);

      apply(phone, fromLaptop);
      apply(laptop, fromPhone);

      assertEquals(names(laptop), names(phone));
      assertEquals(1, names(laptop).size());
      assertTrue(List.of("job", "office").contains(names(laptop).get(0)), names(laptop).toString());
      // Applying again, in the other order, changes nothing.
      apply(laptop, fromLaptop);
      apply(phone, fromPhone);
      assertEquals(names(laptop), names(phone));
    }
  }

  @Test
  void renameScope_toANameAnotherReplicaCreated_bothShowTheSameTwoNames() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      laptop.renameScope("work", "notes");
      Memory created = phone.add(Drafts.note("notes", "a new scope on the phone"));
      List<RemoteChange> fromLaptop = drain(laptop);
      List<RemoteChange> fromPhone = drain(phone);

      apply(phone, fromLaptop);
      apply(laptop, fromPhone);

      assertEquals(names(laptop), names(phone));
      assertEquals(2, names(laptop).size());
      // The scope created as "notes" keeps the name: a device that has not seen the rename and
      // adds to "notes" adds to it. The renamed one is shown with the start of its id.
      assertEquals("notes", laptop.get(created.getId()).getScope());
      String aside = names(laptop).get(1);
      assertTrue(aside.matches("notes-[0-9a-f]{8}"), aside);
      laptop.renameScope(aside, "job");
      apply(phone, drain(laptop));
      assertEquals(List.of("job", "notes"), names(phone));
      assertEquals(List.of("job", "notes"), names(laptop));
    }
  }

  @Test
  void deleteScope_holdingMemoriesWithoutForce_refusedAndNothingChanged() {
    try (Vault vault = Vault.create(dir.resolve("v"), PASSPHRASE).vault()) {
      vault.add(Drafts.note("work", "a"));
      vault.add(Drafts.note("work", "b"));
      long queued = vault.replica().pendingChangeCount();

      VaultException.InvalidInput refused =
          assertThrows(VaultException.InvalidInput.class, () -> vault.deleteScope("work", false));

      assertTrue(refused.getMessage().contains("holds 2 memories"), refused.getMessage());
      assertTrue(refused.getMessage().contains("--force"), refused.getMessage());
      assertEquals(List.of("work"), names(vault));
      assertEquals(2, vault.list(Selection.all()).size());
      assertEquals(queued, vault.replica().pendingChangeCount());
    }
  }

  @Test
  void deleteScope_withForce_forgetsEveryMemoryAndLeavesTheListing() {
    try (Vault vault = Vault.create(dir.resolve("v"), PASSPHRASE).vault()) {
      vault.add(Drafts.note("home", "stays"));
      Memory conversation = vault.add(Drafts.conversation("work", "a chat"));
      Memory message = vault.add(Drafts.message("work", conversation.getId(), 0, "a message"));
      vault.add(Drafts.note("work", "a note"));

      assertEquals(
          2, vault.deleteScope("work", true), "the conversation with its message, the note");

      assertEquals(List.of("home"), names(vault));
      assertEquals(List.of("home"), scopesOfAll(vault));
      assertThrows(VaultException.UnknownItem.class, () -> vault.get(message.getId()));
      // Taking the name up again gives the deleted scope back, empty.
      vault.add(Drafts.note("work", "after the delete"));
      assertEquals(List.of("home", "work"), names(vault));
      assertEquals(1, vault.list(Selection.all().inScope("work")).size());
    }
  }

  @Test
  void deleteScope_synced_otherReplicaForgetsItsMemoriesAndNoLongerListsIt() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      laptop.deleteScope("work", true);

      apply(phone, drain(laptop));

      assertEquals(List.of(), names(phone));
      assertEquals(List.of(), scopesOfAll(phone));
    }
  }

  @Test
  void deleteScope_whileAnotherReplicaAdds_theAddedMemoryStaysListed() {
    base();
    try (Vault laptop = replica();
        Vault phone = replica()) {
      laptop.deleteScope("work", true);
      Memory added = phone.add(Drafts.note("work", "added before the delete reached the phone"));
      List<RemoteChange> fromLaptop = drain(laptop);
      List<RemoteChange> fromPhone = drain(phone);

      apply(phone, fromLaptop);
      apply(laptop, fromPhone);

      for (Vault replica : List.of(laptop, phone)) {
        assertEquals(List.of("work"), names(replica));
        assertEquals(
            "added before the delete reached the phone", replica.get(added.getId()).getText());
        assertEquals(1, replica.list(Selection.all()).size());
      }
    }
  }

  /** Parses a pulled change's payload. */
  private static final class SyncPayloadsOf {
    static SyncPayload parse(RemoteChange change) {
      try {
        return SyncPayload.parseFrom(change.payload());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
  }
}
