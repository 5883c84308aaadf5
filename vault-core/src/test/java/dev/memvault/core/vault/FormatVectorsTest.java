package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.proto.EncryptedKeyset;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.internal.crypto.KeyWrap;
import dev.memvault.core.internal.crypto.PassphraseKdf;
import dev.memvault.core.internal.crypto.RecordCipher;
import dev.memvault.core.internal.crypto.RecoveryKey;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.core.internal.sync.ScopeIds;
import dev.memvault.core.internal.sync.ScopeNames;
import dev.memvault.core.testing.FormatDocument;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.VaultHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The known answers of docs/FORMAT.md sections 11.3 to 11.5 and 11.7 to 11.10, read from the
 * document and checked against the code, so that neither can change without the other. The values
 * were computed independently of this code by docs/vectors/vault_vectors.py (Python's hashlib, hmac
 * and cryptography; protobuf bytes written by hand).
 */
class FormatVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] VAULT_ID = HEX.parseHex("00112233445566778899aabbccddeeff");
  private static final byte[] DEVICE_ID = HEX.parseHex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
  private static final byte[] SCOPE_ID = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  private static final byte[] SALT = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  private static final byte[] ROOT_KEY =
      HEX.parseHex("606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f");
  private static final byte[] DATABASE_KEY =
      HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  private static final KdfParameters KDF = new KdfParameters(65536, 3, 1, SALT);

  /** "Café au lait" with the accent as a combining character: NFC must compose it. */
  private static final String DECOMPOSED_PASSPHRASE = "Cafe\u0301 au lait";

  @TempDir Path dir;

  @Test
  void passphraseKey_section11_3_derivedFromTheDecomposedPassphrase() {
    List<List<String>> blocks = codeBlocks("11.3 ");

    byte[] key =
        PassphraseKdf.derive(DECOMPOSED_PASSPHRASE.toCharArray(), KDF)
            .toByteArray(InsecureSecretKeyAccess.get());

    assertArrayEquals(hex(labeled(blocks.get(0)).get("passphrase key")), key);
    assertArrayEquals(hex(String.join("", blocks.get(1))), VaultKeys.passphraseAd(VAULT_ID, KDF));
  }

  @Test
  void recoveryKey_section11_4_textParsesToTheWrappingKey() throws Exception {
    Map<String, String> values = labeled(codeBlocks("11.4 ").get(0));
    RecoveryKey recovery = RecoveryKey.parse(values.get("text"));

    assertEquals(values.get("text"), recovery.toDisplayString());
    assertArrayEquals(
        hex(values.get("wrapping key")),
        recovery.wrappingKey(VAULT_ID).toByteArray(InsecureSecretKeyAccess.get()));
    assertArrayEquals(hex(values.get("wrap AD")), VaultKeys.recoveryAd(VAULT_ID));
  }

  @Test
  void databaseKeyAssociatedData_section11_5_isTheCodes() {
    Map<String, String> values = labeled(codeBlocks("11.5 ").get(0));

    assertArrayEquals(
        hex(values.get("database-key")), VaultKeys.databaseKeyAd(VAULT_ID, DEVICE_ID));
  }

  @Test
  void keyWraps_section11_7_unwrapToTheDocumentedKeys() throws Exception {
    Map<String, String> wraps = labeled(codeBlocks("11.7 ").get(0));
    RootKey root = rootKey();

    assertArrayEquals(
        DATABASE_KEY,
        KeyWrap.unwrap(
                root.secret(),
                hex(wraps.get("database_key")),
                VaultKeys.databaseKeyAd(VAULT_ID, DEVICE_ID))
            .toByteArray(InsecureSecretKeyAccess.get()));
    assertArrayEquals(
        ROOT_KEY,
        KeyWrap.unwrap(
                RecoveryKey.parse(labeled(codeBlocks("11.4 ").get(0)).get("text"))
                    .wrappingKey(VAULT_ID),
                hex(wraps.get("root_key_by_recovery")),
                VaultKeys.recoveryAd(VAULT_ID))
            .toByteArray(InsecureSecretKeyAccess.get()));
  }

  /** The whole file opens as the reader opens a vault: checksum, fields, both wraps, the tag. */
  @Test
  void vaultHeader_section11_8_opensWithThePassphraseAndTheRecoveryKeyToOneRootKey()
      throws Exception {
    List<List<String>> blocks = codeBlocks("11.8 ");
    Files.write(dir.resolve(VaultHeaderFile.FILE_NAME), hex(String.join("", blocks.get(1))));
    Map<String, String> wraps = labeled(codeBlocks("11.7 ").get(0));

    VaultHeader header = VaultKeys.readHeader(dir);
    RootKey byPassphrase =
        VaultKeys.unwrapRootByPassphrase(dir, header, DECOMPOSED_PASSPHRASE.toCharArray());
    RootKey byRecovery =
        VaultKeys.unwrapRootByRecovery(
            dir, header, labeled(codeBlocks("11.4 ").get(0)).get("text"));

    assertEquals(1, header.getFormatVersion());
    assertArrayEquals(VAULT_ID, header.getVaultId().toByteArray());
    assertArrayEquals(DEVICE_ID, header.getDeviceId().toByteArray());
    assertEquals("argon2id", header.getKdf().getAlgorithm());
    assertEquals(65536, header.getKdf().getMemoryKib());
    assertEquals(3, header.getKdf().getIterations());
    assertEquals(1, header.getKdf().getParallelism());
    assertArrayEquals(SALT, header.getKdf().getSalt().toByteArray());
    assertEquals(1645557742L, header.getCreatedAt());
    assertArrayEquals(
        hex(wraps.get("root_key_by_passphrase")), header.getRootKeyByPassphrase().toByteArray());
    assertArrayEquals(
        hex(labeled(blocks.get(0)).get("integrity_tag")), header.getIntegrityTag().toByteArray());
    assertArrayEquals(ROOT_KEY, byPassphrase.secret().toByteArray(InsecureSecretKeyAccess.get()));
    assertArrayEquals(ROOT_KEY, byRecovery.secret().toByteArray(InsecureSecretKeyAccess.get()));
    assertTrue(HeaderIntegrity.verify(header, byPassphrase));
    assertArrayEquals(
        header.getIntegrityTag().toByteArray(),
        HeaderIntegrity.seal(header.toBuilder().clearIntegrityTag().build(), byPassphrase)
            .getIntegrityTag()
            .toByteArray());
  }

  @Test
  void vaultHeader_section11_8_anotherCreationTimeFailsItsTag() throws Exception {
    Files.write(
        dir.resolve(VaultHeaderFile.FILE_NAME), hex(String.join("", codeBlocks("11.8 ").get(1))));
    VaultHeader header = VaultKeys.readHeader(dir);

    assertFalse(
        HeaderIntegrity.verify(header.toBuilder().setCreatedAt(1645557743L).build(), rootKey()));
    assertThrows(
        VaultException.WrongKey.class,
        () -> VaultKeys.unwrapRootByPassphrase(dir, header, "Café au laid".toCharArray()));
  }

  /**
   * The encrypted keyset opens under the root key to 11.2's key: it opens 11.2's envelope. Its
   * ciphertext also opens with the JDK's AES-GCM under the scope-keyset AD printed in 11.5, which
   * ties that line to what the code binds.
   */
  @Test
  void encryptedKeyset_section11_9_opensToTheKeyOfTheEnvelopeVector() throws Exception {
    List<List<String>> blocks = codeBlocks("11.9 ");
    byte[] encrypted = hex(String.join("", blocks.get(1)));

    ScopeKeyset keyset = ScopeKeyset.decrypt(encrypted, rootKey(), VAULT_ID, SCOPE_ID);
    Memory memory =
        Memory.parseFrom(
            RecordCipher.open(
                keyset.aead(),
                RecordEnvelope.parseFrom(hex(String.join("", codeBlocks("11.2 ").get(0)))),
                VAULT_ID,
                HEX.parseHex("017f22e279b07cc398c4dc0c0c07398f"),
                1));
    byte[] sealed = EncryptedKeyset.parseFrom(encrypted).getEncryptedKeyset().toByteArray();
    byte[] plainKeyset =
        jdkAesGcmOpen(
            ROOT_KEY, sealed, hex(labeled(codeBlocks("11.5 ").get(0)).get("scope-keyset")));

    assertEquals(1, keyset.keyCount());
    assertEquals(0x12345678, keyset.primaryKeyId());
    assertEquals("Prefers metric units.", memory.getText());
    assertArrayEquals(hex(String.join("", blocks.get(0))), plainKeyset);
  }

  @Test
  void scopeIdAndName_section11_10_derivedAndOpenedUnderTheRootKey() throws Exception {
    Map<String, String> values = labeled(codeBlocks("11.10 ").get(0));

    assertArrayEquals(hex(values.get("scope_id")), ScopeIds.derive(rootKey(), VAULT_ID, "work"));
    assertEquals(
        "work", ScopeNames.open(rootKey(), VAULT_ID, SCOPE_ID, hex(values.get("encrypted_name"))));
    assertThrows(
        java.security.GeneralSecurityException.class,
        () ->
            ScopeNames.open(
                rootKey(),
                VAULT_ID,
                ScopeIds.derive(rootKey(), VAULT_ID, "work"),
                hex(values.get("encrypted_name"))));
  }

  /**
   * The backup written by hand restores through the reference restore: its clear header, payload
   * key, segment key and records are the ones the code derives and reads.
   */
  @Test
  void backup_section11_11_restoresToTheMemoryOfSection11_1() throws Exception {
    Path file = dir.resolve("vector.mvbackup");
    Files.write(file, hex(String.join("", codeBlocks("11.11 ").get(1))));

    try (Vault restored =
        Vault.restore(file, dir.resolve("restored"), DECOMPOSED_PASSPHRASE.toCharArray())) {
      Memory memory = restored.get("017f22e2-79b0-7cc3-98c4-dc0c0c07398f");

      assertEquals("work", memory.getScope());
      assertEquals("Prefers metric units.", memory.getText());
      assertEquals(List.of("units"), memory.getTagsList());
      assertEquals(1645557742L, memory.getCreatedAt().getSeconds());
    }
  }

  private static RootKey rootKey() {
    return RootKey.of(
        com.google.crypto.tink.util.SecretBytes.copyFrom(ROOT_KEY, InsecureSecretKeyAccess.get()));
  }

  private static byte[] jdkAesGcmOpen(byte[] key, byte[] sealed, byte[] associatedData)
      throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(128, sealed, 0, 12));
    cipher.updateAAD(associatedData);
    return cipher.doFinal(sealed, 12, sealed.length - 12);
  }

  private static byte[] hex(String text) {
    return FormatDocument.hex(text);
  }

  private static List<List<String>> codeBlocks(String number) {
    return FormatDocument.codeBlocks(number);
  }

  private static Map<String, String> labeled(List<String> block) {
    return FormatDocument.labeled(block);
  }
}
