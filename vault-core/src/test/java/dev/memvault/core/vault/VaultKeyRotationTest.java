package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Vault#rotateScopeKey}: new writes under the new primary key, old records still readable.
 */
class VaultKeyRotationTest {
  private static final char[] PASSPHRASE = "rotation passphrase".toCharArray();

  @TempDir Path dir;

  @Test
  void rotateScopeKey_newWritesUseNewPrimaryOldRecordsStillDecrypt_alsoAfterReopen()
      throws Exception {
    CreatedVault created = Vault.create(dir, PASSPHRASE);
    List<Memory> before = new ArrayList<>();
    Memory home;
    Memory after;
    Memory oldUpdated;
    try (Vault vault = created.vault()) {
      for (int i = 0; i < 3; i++) {
        before.add(vault.add(Drafts.note("work", "written before rotation " + i)));
      }
      home = vault.add(Drafts.note("home", "home is not rotated"));
      assertEquals(
          List.of(new ScopeSummary("home", 1, 1), new ScopeSummary("work", 3, 1)), vault.scopes());

      vault.rotateScopeKey("work");

      assertEquals(
          List.of(new ScopeSummary("home", 1, 1), new ScopeSummary("work", 3, 2)), vault.scopes());
      after = vault.add(Drafts.note("work", "written after rotation"));
      oldUpdated = vault.update(before.get(0).getId(), b -> b.setText("updated after rotation"));
      for (Memory memory : before.subList(1, 3)) {
        assertEquals(memory, vault.get(memory.getId()));
      }
      // Quoted: as written, so "rotated" (the same stem) in the home memory does not count.
      assertEquals(4, vault.search("\"rotation\"", Selection.all()).size());
    }

    int oldPrimary;
    int newPrimary;
    try (RawVault raw = RawVault.open(dir, created.recoveryKey())) {
      ScopeKeyset work = raw.keyset("work");
      assertEquals(2, work.keyCount());
      newPrimary = work.primaryKeyId();
      oldPrimary = RawVault.tinkKeyId(raw.envelope(before.get(1).getId()));
      assertNotEquals(oldPrimary, newPrimary);
      assertEquals(newPrimary, RawVault.tinkKeyId(raw.envelope(after.getId())));
      // A new revision of an old record is written under the new key too.
      assertEquals(newPrimary, RawVault.tinkKeyId(raw.envelope(oldUpdated.getId())));
      assertEquals(oldPrimary, RawVault.tinkKeyId(raw.envelope(before.get(2).getId())));
      assertEquals(1, raw.keyset("home").keyCount());
      assertNotEquals(newPrimary, RawVault.tinkKeyId(raw.envelope(home.getId())));
    }

    try (Vault vault = Vault.open(dir, PASSPHRASE)) {
      assertEquals(
          List.of(new ScopeSummary("home", 1, 1), new ScopeSummary("work", 4, 2)), vault.scopes());
      for (Memory memory : before.subList(1, 3)) {
        assertEquals(memory, vault.get(memory.getId()));
      }
      assertEquals(after, vault.get(after.getId()));
      assertEquals(home, vault.get(home.getId()));
      assertEquals(List.of(before.get(0), oldUpdated), vault.history(oldUpdated.getId()));

      vault.rotateScopeKey("work");
      Memory third = vault.add(Drafts.note("work", "written after second rotation"));
      assertEquals(3, vault.scopes().get(1).keyCount());
      assertEquals(third, vault.get(third.getId()));
      assertEquals(before.get(1), vault.get(before.get(1).getId()));
    }
    try (RawVault raw = RawVault.open(dir, created.recoveryKey())) {
      int thirdPrimary = raw.keyset("work").primaryKeyId();
      assertTrue(thirdPrimary != oldPrimary && thirdPrimary != newPrimary);
    }
  }

  @Test
  void rotateScopeKey_unknownScope_unknownItemAndNothingChanged() {
    try (Vault vault = Vault.create(dir, PASSPHRASE).vault()) {
      vault.add(Drafts.note("work", "x"));

      VaultException.UnknownItem e =
          assertThrows(VaultException.UnknownItem.class, () -> vault.rotateScopeKey("wrok"));
      assertTrue(e.getMessage().contains("scopes: work"), e.getMessage());
      assertEquals(1, vault.scopes().get(0).keyCount());
    }
  }
}
