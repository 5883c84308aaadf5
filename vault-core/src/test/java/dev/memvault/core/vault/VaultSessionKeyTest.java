package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.testing.Drafts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key a session agent holds while a vault is unlocked: it opens the vault it came from without
 * the passphrase, survives a passphrase change (the root key stays), opens nothing after a rekey,
 * and is zeroed when destroyed.
 */
class VaultSessionKeyTest {
  private static final char[] PASSPHRASE = "session passphrase: heron".toCharArray();

  @TempDir Path dir;

  private Path vaultDir() {
    return dir.resolve("vault");
  }

  private SessionKey createWithOneMemory() {
    try (Vault vault = Vault.create(vaultDir(), PASSPHRASE).vault()) {
      vault.add(Drafts.note("health", "blood type is A positive"));
      return vault.sessionKey();
    }
  }

  @Test
  void openWithSessionKey_keyOfThisVault_readsAndWritesWithoutPassphrase() throws Exception {
    SessionKey key = createWithOneMemory();
    // Through the bytes, as the agent's socket carries it.
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    key.writeTo(wire);
    SessionKey received = SessionKey.readFrom(new ByteArrayInputStream(wire.toByteArray()));

    try (Vault vault = Vault.openWithSessionKey(vaultDir(), received, Vault.RebuildProgress.NONE)) {
      assertEquals(1, vault.search("blood type", Selection.all()).size());
      vault.add(Drafts.note("health", "allergic to penicillin"));
    }
    try (Vault vault = Vault.open(vaultDir(), PASSPHRASE)) {
      assertEquals(1, vault.search("penicillin", Selection.all()).size());
    }
  }

  @Test
  void openWithSessionKey_afterPassphraseChange_stillOpens() {
    SessionKey key = createWithOneMemory();
    try (Vault vault = Vault.open(vaultDir(), PASSPHRASE)) {
      vault.changePassphrase("another passphrase: kite".toCharArray());
    }

    try (Vault vault = Vault.openWithSessionKey(vaultDir(), key, Vault.RebuildProgress.NONE)) {
      assertEquals(1, vault.search("blood type", Selection.all()).size());
    }
  }

  @Test
  void openWithSessionKey_afterRekey_wrongKeyAndNoFileChanged() throws Exception {
    SessionKey key = createWithOneMemory();
    Vault.rekey(vaultDir(), PASSPHRASE, RekeyProgress.NONE);
    byte[] header = Files.readAllBytes(VaultHeaderFile.path(vaultDir()));
    byte[] database = Files.readAllBytes(vaultDir().resolve(Vault.DATABASE_FILE));

    VaultException.WrongKey refused =
        assertThrows(
            VaultException.WrongKey.class,
            () -> Vault.openWithSessionKey(vaultDir(), key, Vault.RebuildProgress.NONE));

    assertTrue(refused.getMessage().contains("rekeyed"), refused.getMessage());
    assertArrayEquals(header, Files.readAllBytes(VaultHeaderFile.path(vaultDir())));
    assertArrayEquals(database, Files.readAllBytes(vaultDir().resolve(Vault.DATABASE_FILE)));
  }

  @Test
  void openWithSessionKey_keyOfAnotherVault_wrongKey() {
    SessionKey other;
    try (Vault vault = Vault.create(dir.resolve("other"), PASSPHRASE).vault()) {
      other = vault.sessionKey();
    }
    createWithOneMemory();

    assertThrows(
        VaultException.WrongKey.class,
        () -> Vault.openWithSessionKey(vaultDir(), other, Vault.RebuildProgress.NONE));
  }

  @Test
  void destroy_zeroesTheBytesAndRefusesUse() throws Exception {
    SessionKey key = createWithOneMemory();
    Field field = SessionKey.class.getDeclaredField("bytes");
    field.setAccessible(true);
    byte[] bytes = (byte[]) field.get(key);
    assertTrue(nonZero(bytes), "a live key has its bytes");

    key.destroy();

    assertTrue(key.isDestroyed());
    assertArrayEquals(new byte[SessionKey.BYTES], bytes);
    assertThrows(IllegalStateException.class, () -> key.writeTo(new ByteArrayOutputStream()));
    assertThrows(
        IllegalStateException.class,
        () -> Vault.openWithSessionKey(vaultDir(), key, Vault.RebuildProgress.NONE));
    assertEquals("SessionKey[destroyed]", key.toString());
  }

  @Test
  void readFrom_streamEndsEarly_refused() {
    assertThrows(
        EOFException.class,
        () -> SessionKey.readFrom(new ByteArrayInputStream(new byte[SessionKey.BYTES - 1])));
  }

  private static boolean nonZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return true;
      }
    }
    return false;
  }
}
