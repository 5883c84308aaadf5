package dev.memvault.core.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.RecordAddress;
import dev.memvault.core.internal.crypto.RecordCipher;
import dev.memvault.core.internal.crypto.RecordIds;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.core.vault.CreatedVault;
import dev.memvault.core.vault.Selection;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.SyncPayload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a sync server sees of a memory's identity: a keyed hash of its UUID (docs/FORMAT.md, section
 * 6.6), the same for every revision of the memory, never the UUIDv7 whose first 48 bits are the
 * millisecond it was made; and change ids that share nothing.
 */
class OpaqueRecordIdsTest {
  private static final char[] PASSPHRASE = "opaque ids test passphrase".toCharArray();

  @TempDir Path dir;

  @Test
  void add_newMemory_filedUnderItsKeyedIdInEveryRevisionNeverItsUuid() throws Exception {
    CreatedVault created = Vault.create(dir.resolve("v"), PASSPHRASE);
    String id;
    String other;
    List<OutboxEntry> pending;
    try (Vault vault = created.vault()) {
      id = vault.add(Drafts.note("work", "the boat leaves at nine")).getId();
      vault.update(id, b -> b.setText("the boat leaves at ten"));
      other = vault.add(Drafts.note("work", "a second memory")).getId();
      vault.forget(other);
      vault.update(id, b -> b.setText("the boat leaves at eleven"));
      pending = vault.replica().pendingChanges(0, 100);
    }
    byte[] keyed;
    try (RawVault raw = RawVault.open(dir.resolve("v"), created.recoveryKey())) {
      keyed = RecordIds.of(raw.rootKey(), raw.vaultId()).keyed(UUID.fromString(id));
    }

    List<RecordEnvelope> revisionsOfId = new ArrayList<>();
    for (OutboxEntry entry : pending) {
      SyncPayload payload = SyncPayload.parseFrom(entry.payload());
      if (!payload.hasRevision()) {
        continue;
      }
      RecordEnvelope envelope = payload.getRevision();
      assertEquals(RecordCipher.KEYED_RECORD_ID, envelope.getFormatVersion());
      assertArrayEquals(envelope.getRecordId().toByteArray(), entry.recordId());
      for (String memoryId : List.of(id, other)) {
        byte[] uuid = RecordIds.uuidBytes(UUID.fromString(memoryId));
        assertFalse(Arrays.equals(uuid, entry.recordId()), "a memory's UUID went out as its id");
      }
      if (Arrays.equals(keyed, entry.recordId())) {
        revisionsOfId.add(envelope);
      }
    }
    assertEquals(
        List.of(1L, 2L, 3L), revisionsOfId.stream().map(RecordEnvelope::getRevision).toList());
  }

  @Test
  void update_memoryFirstSealedWithItsUuid_keepsThatRecordIdThroughEditAndForget()
      throws Exception {
    CreatedVault created = Vault.create(dir.resolve("v"), PASSPHRASE);
    String id;
    try (Vault vault = created.vault()) {
      id = vault.add(Drafts.note("work", "written by an earlier version")).getId();
      vault.replica().dropPending(vault.replica().pendingChanges(0, 100));
    }
    byte[] uuid = RecordIds.uuidBytes(UUID.fromString(id));
    try (RawVault raw = RawVault.open(dir.resolve("v"), created.recoveryKey())) {
      // The envelope an earlier version wrote: format 1, filed under the memory's UUID.
      Memory memory = raw.decryptCurrent(id, "work");
      RecordEnvelope current = RecordEnvelope.parseFrom(raw.envelope(id));
      RecordEnvelope formatOne =
          RecordCipher.seal(
              raw.keyset("work").aead(),
              RecordCipher.UUID_RECORD_ID,
              new RecordAddress(
                  raw.vaultId(),
                  current.getScopeId().toByteArray(),
                  uuid,
                  1,
                  current.getAuthorDeviceId().toByteArray()),
              memory.toByteArray());
      raw.setEnvelope(id, formatOne.toByteArray());
    }

    List<OutboxEntry> pending;
    try (Vault vault = Vault.open(dir.resolve("v"), PASSPHRASE)) {
      assertEquals("written by an earlier version", vault.get(id).getText());
      vault.update(id, b -> b.setText("edited by this version"));
      assertEquals("edited by this version", vault.get(id).getText());
      vault.forget(id);
      pending = vault.replica().pendingChanges(0, 100);
    }

    List<Long> revisions = new ArrayList<>();
    for (OutboxEntry entry : pending) {
      RecordEnvelope envelope = SyncPayload.parseFrom(entry.payload()).getRevision();
      assertEquals(RecordCipher.UUID_RECORD_ID, envelope.getFormatVersion());
      assertArrayEquals(uuid, entry.recordId());
      revisions.add(envelope.getRevision());
    }
    assertEquals(List.of(3L), revisions, "the forget purged revision 2 before it was pushed");
  }

  @Test
  void applyRemote_revisionFiledUnderAnotherMemorysRecordId_refusedAndNothingApplied()
      throws Exception {
    CreatedVault created = Vault.create(dir.resolve("a"), PASSPHRASE);
    Path backup = dir.resolve("a.mvbackup");
    String first;
    String second;
    List<OutboxEntry> pending;
    try (Vault vault = created.vault()) {
      vault.backup(backup);
      first = vault.add(Drafts.note("work", "first memory")).getId();
      second = vault.add(Drafts.note("work", "second memory")).getId();
      pending = vault.replica().pendingChanges(0, 100);
    }
    byte[] deviceA;
    List<RemoteChange> changes = new ArrayList<>();
    try (RawVault raw = RawVault.open(dir.resolve("a"), created.recoveryKey())) {
      deviceA = raw.header().getDeviceId().toByteArray();
      byte[] secondsId = RecordIds.of(raw.rootKey(), raw.vaultId()).keyed(UUID.fromString(second));
      // A holder of the scope key (not of the root key) seals the first memory under the second
      // memory's record id, so that the AEAD accepts it as filed there.
      RecordEnvelope firsts = RecordEnvelope.parseFrom(raw.envelope(first));
      RecordEnvelope misfiled =
          RecordCipher.seal(
              raw.keyset("work").aead(),
              RecordCipher.KEYED_RECORD_ID,
              new RecordAddress(
                  raw.vaultId(), firsts.getScopeId().toByteArray(), secondsId, 1, deviceA),
              raw.decryptCurrent(first, "work").toByteArray());
      for (OutboxEntry entry : pending) {
        SyncPayload payload = SyncPayload.parseFrom(entry.payload());
        boolean isSecond = payload.hasRevision() && Arrays.equals(secondsId, entry.recordId());
        byte[] bytes =
            isSecond
                ? payload.toBuilder().setRevision(misfiled).build().toByteArray()
                : entry.payload();
        changes.add(
            new RemoteChange(
                changes.size() + 1,
                new byte[32],
                entry.changeId(),
                deviceA,
                entry.recordId(),
                bytes));
      }
    }

    try (Vault receiver = Vault.restore(backup, dir.resolve("b"), PASSPHRASE)) {
      VaultException refused =
          assertThrows(
              VaultException.class,
              () -> receiver.replica().applyRemote(changes, SyncCursor.start("http://test")));
      assertTrue(
          refused.getMessage().contains("filed under another memory's record id"),
          refused.getMessage());
      assertEquals(0, receiver.list(Selection.all()).size());
    }
  }
}
