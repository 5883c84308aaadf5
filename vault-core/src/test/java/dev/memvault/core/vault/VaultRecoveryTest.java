package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.VaultDirs;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Vault#recover}: the recovery key opens the vault and sets a new passphrase. */
class VaultRecoveryTest {
  private static final char[] FORGOTTEN = "the passphrase nobody remembers".toCharArray();
  private static final char[] NEW = "a fresh passphrase".toCharArray();
  private static final String FORMAT = "[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){13}";

  @TempDir Path dir;

  @Test
  void recover_displayedKey_opensAndSetsNewPassphrase() {
    CreatedVault created = Vault.create(dir.resolve("v"), FORGOTTEN);
    assertTrue(created.recoveryKey().matches(FORMAT), created.recoveryKey());
    Memory memory;
    try (Vault vault = created.vault()) {
      memory = vault.add(Drafts.note("work", "recover me"));
    }

    try (Vault vault = Vault.recover(dir.resolve("v"), created.recoveryKey(), NEW)) {
      assertEquals(memory, vault.get(memory.getId()));
      vault.add(Drafts.note("work", "written after recovery"));
    }

    assertThrows(VaultException.WrongKey.class, () -> Vault.open(dir.resolve("v"), FORGOTTEN));
    try (Vault vault = Vault.open(dir.resolve("v"), NEW)) {
      assertEquals(2, vault.list(Selection.all()).size());
    }
  }

  @Test
  void recover_keyTypedLowercaseWithoutHyphensWithLetterO_accepted() {
    CreatedVault created = Vault.create(dir, FORGOTTEN);
    created.vault().close();
    String typed =
        created
            .recoveryKey()
            .toLowerCase(Locale.ROOT)
            .replace("-", "")
            .replace('0', 'o')
            .replace('1', 'l');

    Vault.recover(dir, typed, NEW).close();
    Vault.recover(dir, " " + created.recoveryKey().replace('-', ' ') + "\n", NEW).close();
  }

  @Test
  void recover_oneCharacterMistyped_wrongKeyAboutATypoAndNothingChanged() {
    CreatedVault created = Vault.create(dir, FORGOTTEN);
    created.vault().close();
    Map<String, byte[]> before = VaultDirs.snapshot(dir);
    String key = created.recoveryKey();
    char original = key.charAt(20);
    String typo = key.substring(0, 20) + (original == '7' ? '8' : '7') + key.substring(21);

    VaultException.WrongKey e =
        assertThrows(VaultException.WrongKey.class, () -> Vault.recover(dir, typo, NEW));

    assertTrue(e.getMessage().contains("typo"), e.getMessage());
    assertUnchanged(before);
    Vault.open(dir, FORGOTTEN).close();
  }

  @Test
  void recover_validKeyOfAnotherVault_wrongKeyAndNothingChanged() {
    CreatedVault mine = Vault.create(dir.resolve("mine"), FORGOTTEN);
    mine.vault().close();
    CreatedVault other = Vault.create(dir.resolve("other"), FORGOTTEN);
    other.vault().close();
    Map<String, byte[]> before = VaultDirs.snapshot(dir.resolve("mine"));

    VaultException.WrongKey e =
        assertThrows(
            VaultException.WrongKey.class,
            () -> Vault.recover(dir.resolve("mine"), other.recoveryKey(), NEW));

    assertTrue(e.getMessage().contains("does not open"), e.getMessage());
    Map<String, byte[]> after = VaultDirs.snapshot(dir.resolve("mine"));
    for (String name : before.keySet()) {
      assertArrayEquals(before.get(name), after.get(name), name);
    }
  }

  @Test
  void recover_notAKeyAtAll_wrongKeySayingWhy() {
    CreatedVault created = Vault.create(dir, FORGOTTEN);
    created.vault().close();

    VaultException.WrongKey shortKey =
        assertThrows(VaultException.WrongKey.class, () -> Vault.recover(dir, "ABCD-EFGH", NEW));
    VaultException.WrongKey badChar =
        assertThrows(
            VaultException.WrongKey.class,
            () -> Vault.recover(dir, "U" + created.recoveryKey().substring(1), NEW));

    assertTrue(shortKey.getMessage().contains("56 characters"), shortKey.getMessage());
    assertTrue(badChar.getMessage().contains("'U'"), badChar.getMessage());
  }

  @Test
  void recover_emptyNewPassphrase_invalidInput() {
    CreatedVault created = Vault.create(dir, FORGOTTEN);
    created.vault().close();
    assertThrows(
        VaultException.InvalidInput.class,
        () -> Vault.recover(dir, created.recoveryKey(), new char[0]));
    Vault.open(dir, FORGOTTEN).close();
  }

  private void assertUnchanged(Map<String, byte[]> before) {
    Map<String, byte[]> after = VaultDirs.snapshot(dir);
    assertEquals(before.keySet(), after.keySet());
    for (String name : before.keySet()) {
      assertArrayEquals(before.get(name), after.get(name), name);
    }
  }
}
