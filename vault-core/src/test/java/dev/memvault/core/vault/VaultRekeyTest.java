package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.VaultDirs;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rekey: an old header or backup with the old passphrase, and the old recovery key, open nothing
 * written afterwards, not even the search index's words; a rekey stopped after any step leaves a
 * vault that opens with every memory.
 */
class VaultRekeyTest {
  private static final char[] PASSPHRASE = "rekey passphrase: osprey".toCharArray();

  @TempDir Path dir;

  private Path vaultDir() {
    return dir.resolve("vault");
  }

  private String createWithOneMemory() {
    CreatedVault created = Vault.create(vaultDir(), PASSPHRASE);
    try (Vault vault = created.vault()) {
      vault.add(Drafts.note("health", "blood type is A positive"));
    }
    return created.recoveryKey();
  }

  private static boolean finds(Vault vault, String words) {
    return !vault.search(words, Selection.all()).isEmpty();
  }

  @Test
  void rekey_oldHeaderOldBackupOldRecoveryKey_openNothingWrittenAfter() throws Exception {
    String oldRecoveryKey = createWithOneMemory();
    Path oldHeader = Files.copy(VaultHeaderFile.path(vaultDir()), dir.resolve("old.header"));
    Path oldBackup = dir.resolve("old.mvbackup");
    try (Vault vault = Vault.open(vaultDir(), PASSPHRASE)) {
      vault.backup(oldBackup);
    }

    String newRecoveryKey = Vault.rekey(vaultDir(), PASSPHRASE, RekeyProgress.NONE);
    try (Vault vault = Vault.open(vaultDir(), PASSPHRASE)) {
      vault.add(Drafts.note("health", "allergic to penicillin since 2019"));
      assertTrue(finds(vault, "blood type"), "memories from before stay");
    }

    assertNotEquals(oldRecoveryKey, newRecoveryKey);
    // The old header beside the current database: its keys do not open it, index included.
    Path withOldHeader = Files.createDirectories(dir.resolve("old-header-copy"));
    Files.copy(oldHeader, VaultHeaderFile.path(withOldHeader));
    Files.copy(vaultDir().resolve(Vault.DATABASE_FILE), withOldHeader.resolve(Vault.DATABASE_FILE));
    assertThrows(VaultException.Corrupt.class, () -> Vault.open(withOldHeader, PASSPHRASE));
    // The old backup restores what it held then, and nothing after.
    try (Vault restored = Vault.restore(oldBackup, dir.resolve("restored"), PASSPHRASE)) {
      assertTrue(finds(restored, "blood type"));
      assertFalse(finds(restored, "penicillin"));
    }
    // The old recovery key no longer opens the vault; the new one does.
    assertThrows(
        VaultException.WrongKey.class,
        () -> Vault.recover(vaultDir(), oldRecoveryKey, "another: kite".toCharArray()));
    try (Vault recovered =
        Vault.recover(vaultDir(), newRecoveryKey, "another passphrase: kite".toCharArray())) {
      assertTrue(finds(recovered, "penicillin"));
    }
  }

  @Test
  void rekey_stoppedAfterEachStep_vaultOpensWithEveryMemoryAndRekeysAgain() {
    for (VaultRekey.Step stop : VaultRekey.Step.values()) {
      Path vault = dir.resolve("stopped-" + stop);
      Memory kept;
      try (Vault created = Vault.create(vault, PASSPHRASE).vault()) {
        kept = created.add(Drafts.note("health", "blood type is A positive"));
      }

      RuntimeException killed =
          assertThrows(
              RuntimeException.class,
              () ->
                  Vault.rekeyStoppable(
                      vault,
                      PASSPHRASE,
                      (VaultRekey.Step step) -> {
                        if (step == stop) {
                          throw new IllegalStateException("killed after " + step);
                        }
                      }));
      assertEquals("killed after " + stop, killed.getMessage());

      try (Vault opened = Vault.open(vault, PASSPHRASE)) {
        assertTrue(opened.openNotice().isPresent(), stop + ": the person is told");
        assertEquals(kept.getText(), opened.get(kept.getId()).getText());
        opened.add(Drafts.note("health", "written after a stopped rekey"));
      }
      Map<String, byte[]> files = VaultDirs.snapshot(vault);
      assertFalse(files.containsKey(VaultRekey.NEXT_DATABASE), stop + ": " + files.keySet());
      assertFalse(files.containsKey(VaultRekey.NEXT_HEADER), stop + ": " + files.keySet());
      Vault.rekey(vault, PASSPHRASE, RekeyProgress.NONE);
      try (Vault opened = Vault.open(vault, PASSPHRASE)) {
        assertTrue(opened.openNotice().isEmpty());
        assertTrue(finds(opened, "stopped rekey"), stop.toString());
      }
    }
  }

  @Test
  void rekey_wrongPassphrase_wrongKeyAndNoFileChanged() {
    createWithOneMemory();
    Map<String, byte[]> before = VaultDirs.snapshot(vaultDir());

    assertThrows(
        VaultException.WrongKey.class,
        () -> Vault.rekey(vaultDir(), "not it at all".toCharArray(), RekeyProgress.NONE));

    Map<String, byte[]> after = VaultDirs.snapshot(vaultDir());
    assertEquals(before.keySet(), after.keySet());
    before.forEach(
        (name, bytes) -> assertTrue(java.util.Arrays.equals(bytes, after.get(name)), name));
  }
}
