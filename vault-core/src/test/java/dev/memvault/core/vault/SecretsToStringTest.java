package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.internal.crypto.PassphraseKdf;
import dev.memvault.core.internal.crypto.RecoveryKey;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No key-holding type shows key material in {@code toString()} (as Tink's KeysetHandleTest). */
class SecretsToStringTest {
  @TempDir Path dir;

  @Test
  void rootKey_toString_noKeyBytes() {
    RootKey root = RootKey.generate();
    assertHidden(root.toString(), raw(root.secret()));
    assertHidden(root.aead().toString(), raw(root.secret()));
    assertHidden(String.valueOf(root.secret()), raw(root.secret()));
  }

  @Test
  void recoveryKey_toString_noDisplayStringNoBytes() throws Exception {
    RecoveryKey key = RecoveryKey.generate();
    String display = key.toDisplayString();
    byte[] wrapping = raw(key.wrappingKey(new byte[16]));

    String shown = key.toString();
    assertFalse(shown.contains(display), shown);
    assertFalse(shown.contains(display.replace("-", "")), shown);
    for (String group : display.split("-")) {
      assertFalse(shown.contains(group), shown);
    }
    assertHidden(shown, wrapping);
  }

  @Test
  void scopeKeyset_toString_noKeyBytesOfAnyKey() throws Exception {
    ScopeKeyset keyset = ScopeKeyset.generate().rotate().rotate();
    RootKey root = RootKey.generate();
    byte[] vaultId = new byte[16];
    byte[] scopeId = new byte[16];
    // The raw AES keys, read back through Tink's own keyset format with the root key.
    KeysetHandle handle =
        TinkProtoKeysetFormat.parseEncryptedKeyset(
            keyset.encrypt(root, vaultId, scopeId),
            root.aead(),
            AssociatedData.labeled("memvault.v1.scope-keyset")
                .bytes(vaultId)
                .bytes(scopeId)
                .encode(),
            RegistryConfiguration.get());
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < handle.size(); i++) {
      keys.add(
          ((AesGcmKey) handle.getAt(i).getKey())
              .getKeyBytes()
              .toByteArray(InsecureSecretKeyAccess.get()));
    }

    for (byte[] key : keys) {
      assertHidden(keyset.toString(), key);
      assertHidden(keyset.aead().toString(), key);
    }
    assertTrue(keyset.toString().contains("keys=3"), keyset.toString());
  }

  @Test
  void kdfParameters_toString_noDerivedKey() {
    KdfParameters params = new KdfParameters(256, 2, 1, new byte[16]);
    byte[] derived = raw(PassphraseKdf.derive("hunter2".toCharArray(), params));

    assertHidden(params.toString(), derived);
    assertFalse(params.toString().contains("hunter2"));
  }

  @Test
  void createdVaultAndVault_toString_noRecoveryKeyRootKeyOrDatabaseKey() throws Exception {
    CreatedVault created =
        Vault.create(dir, "to string".toCharArray(), Clock.systemUTC(), new SecureRandom());
    String recovery = created.recoveryKey();
    String createdShown = created.toString();
    String vaultShown = created.vault().toString();
    created.vault().close();

    byte[] rootBytes;
    byte[] databaseKey;
    try (RawVault raw = RawVault.open(dir, recovery)) {
      rootBytes = raw(raw.rootKey().secret());
      databaseKey = raw(raw.databaseKey());
    }
    for (String shown : List.of(createdShown, vaultShown)) {
      assertFalse(shown.contains(recovery), shown);
      assertFalse(shown.contains(recovery.replace("-", "")), shown);
      assertFalse(shown.contains(recovery.substring(0, 9)), shown);
      assertHidden(shown, rootBytes);
      assertHidden(shown, databaseKey);
      assertFalse(shown.contains("to string"), shown);
    }
    assertTrue(createdShown.contains("redacted"), createdShown);
  }

  @Test
  void joiningDevice_toString_noRootKey() {
    RootKey root = RootKey.generate();
    JoiningDevice device =
        JoiningDevice.of(
            new byte[16],
            new byte[16],
            java.util.Map.of(0, root),
            new byte[0],
            dev.memvault.core.sync.DeviceSigningKey.generate(),
            dev.memvault.core.sync.DeviceEncryptionKey.generate(),
            new dev.memvault.core.sync.ChainHead(1, new byte[32]),
            java.util.Optional.empty());

    assertHidden(device.toString(), raw(root.secret()));
    assertTrue(device.toString().contains("redacted"), device.toString());
  }

  @Test
  void sessionKey_toString_noKeyBytes() throws Exception {
    try (Vault vault =
        Vault.create(dir.resolve("session"), "to string: plover".toCharArray()).vault()) {
      SessionKey key = vault.sessionKey();
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      key.writeTo(bytes);
      assertHidden(key.toString(), bytes.toByteArray());
      assertHidden(key.toString(), raw(vault.rootKey().secret()));
      assertTrue(key.toString().contains("redacted"), key.toString());
    }
  }

  @Test
  void searchResult_toString_noMemoryText() {
    Memory memory =
        Drafts.note("work", "the secret plan is in the blue folder").toBuilder().setId("x").build();
    String shown = new SearchResult(memory, "the [secret] plan", -1.5).toString();

    assertFalse(shown.contains("secret"), shown);
    assertFalse(shown.contains("blue folder"), shown);
  }

  /**
   * Fails if the text holds the key as hex (either case) or Base64 (standard or URL, padded or
   * not).
   */
  private static void assertHidden(String text, byte[] key) {
    String hex = HexFormat.of().formatHex(key);
    List<String> forms =
        List.of(
            hex,
            hex.toUpperCase(Locale.ROOT),
            Base64.getEncoder().encodeToString(key),
            Base64.getEncoder().withoutPadding().encodeToString(key),
            Base64.getUrlEncoder().withoutPadding().encodeToString(key),
            // A prefix is enough to leak a useful part of the key.
            hex.substring(0, 16),
            Base64.getEncoder().encodeToString(key).substring(0, 12));
    for (String form : forms) {
      assertFalse(text.contains(form), "'" + text + "' shows key material");
    }
  }

  private static byte[] raw(SecretBytes secret) {
    return secret.toByteArray(InsecureSecretKeyAccess.get());
  }
}
