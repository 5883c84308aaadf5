package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.core.testing.VaultDirs;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.VaultHeader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong passphrases change nothing; a passphrase change re-wraps the root key and nothing else. */
class VaultPassphraseTest {
  private static final char[] OLD = "old passphrase: heron".toCharArray();
  private static final char[] NEW = "new passphrase: egret".toCharArray();

  @TempDir Path dir;

  @Test
  void open_wrongPassphrase_wrongKeyAndNoFileChanged() {
    try (Vault vault = Vault.create(dir, OLD).vault()) {
      vault.add(Drafts.note("work", "kept"));
    }
    Map<String, byte[]> before = VaultDirs.snapshot(dir);

    for (String wrong : List.of("old passphrase: Heron", "old passphrase: heron ", "x")) {
      VaultException.WrongKey e =
          assertThrows(VaultException.WrongKey.class, () -> Vault.open(dir, wrong.toCharArray()));
      assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
      assertFalse(e.getMessage().contains(wrong), "the message repeats the passphrase");
    }

    Map<String, byte[]> after = VaultDirs.snapshot(dir);
    assertEquals(before.keySet(), after.keySet());
    for (String name : before.keySet()) {
      assertArrayEquals(before.get(name), after.get(name), name + " changed");
    }
  }

  @Test
  void open_emptyPassphrase_invalidInput() {
    assertThrows(VaultException.InvalidInput.class, () -> Vault.create(dir, new char[0]));
    try (Vault vault = Vault.create(dir, OLD).vault()) {
      assertThrows(VaultException.InvalidInput.class, () -> vault.changePassphrase(new char[0]));
    }
  }

  @Test
  void open_passphraseTypedWithDecomposedAccent_opens() {
    Vault.create(dir, "crème brûlée".toCharArray()).vault().close();
    Vault.open(dir, "cre\u0300me bru\u0302le\u0301e".toCharArray()).close();
  }

  @Test
  void changePassphrase_newOpensOldRefusedSaltChangedMemoriesNotReencrypted() throws Exception {
    CreatedVault created = Vault.create(dir, OLD);
    Memory memory;
    VaultHeader headerBefore;
    byte[] envelopeBefore;
    try (Vault vault = created.vault()) {
      memory = vault.add(Drafts.note("work", "survives a passphrase change"));
      headerBefore = VaultHeaderFile.read(dir);
      assertArrayEquals(
          headerBefore.getKdf().getSalt().toByteArray(), vault.kdfParameters().salt());
    }
    try (RawVault raw = RawVault.open(dir, created.recoveryKey())) {
      envelopeBefore = raw.envelope(memory.getId());
    }
    byte[] databaseBefore = VaultDirs.snapshot(dir).get(Vault.DATABASE_FILE);

    try (Vault vault = Vault.open(dir, OLD)) {
      vault.changePassphrase(NEW);

      VaultHeader headerAfter = VaultHeaderFile.read(dir);
      assertFalse(
          Arrays.equals(
              headerBefore.getKdf().getSalt().toByteArray(),
              headerAfter.getKdf().getSalt().toByteArray()),
          "salt unchanged");
      assertArrayEquals(headerAfter.getKdf().getSalt().toByteArray(), vault.kdfParameters().salt());
      assertFalse(
          headerBefore.getRootKeyByPassphrase().equals(headerAfter.getRootKeyByPassphrase()));
      // Only the passphrase wrap changed: same vault, same root key by recovery, same database key.
      assertEquals(
          headerBefore.toBuilder()
              .clearKdf()
              .clearRootKeyByPassphrase()
              .clearIntegrityTag()
              .build(),
          headerAfter.toBuilder()
              .clearKdf()
              .clearRootKeyByPassphrase()
              .clearIntegrityTag()
              .build());
      assertEquals(memory, vault.get(memory.getId()));
      vault.add(Drafts.note("work", "written after the change"));
    }

    assertThrows(VaultException.WrongKey.class, () -> Vault.open(dir, OLD));
    try (Vault vault = Vault.open(dir, NEW)) {
      assertEquals(memory, vault.get(memory.getId()));
      assertEquals(2, vault.list(Selection.all()).size());
    }
    try (RawVault raw = RawVault.open(dir, created.recoveryKey())) {
      assertArrayEquals(
          envelopeBefore, raw.envelope(memory.getId()), "the memory was re-encrypted");
    }
    // The database file was only appended to (one new memory), never rewritten with a new key:
    // its first page, which holds the SQLCipher salt, is unchanged.
    byte[] databaseAfter = VaultDirs.snapshot(dir).get(Vault.DATABASE_FILE);
    assertArrayEquals(Arrays.copyOf(databaseBefore, 16), Arrays.copyOf(databaseAfter, 16));
  }

  @Test
  void changePassphrase_recoveryKeyStillWorks() {
    CreatedVault created = Vault.create(dir, OLD);
    try (Vault vault = created.vault()) {
      vault.changePassphrase(NEW);
    }
    try (Vault vault = Vault.recover(dir, created.recoveryKey(), OLD)) {
      assertEquals(List.of(), vault.list(Selection.all()));
    }
    assertThrows(VaultException.WrongKey.class, () -> Vault.open(dir, NEW));
  }
}
