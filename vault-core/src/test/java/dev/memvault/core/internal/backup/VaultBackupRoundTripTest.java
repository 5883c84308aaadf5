package dev.memvault.core.internal.backup;

import static dev.memvault.core.internal.backup.BackupFixture.CHATS;
import static dev.memvault.core.internal.backup.BackupFixture.WORK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import dev.memvault.core.VaultException;
import dev.memvault.core.backup.BackupOptions;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.core.vault.CreatedVault;
import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.core.vault.Selection;
import dev.memvault.core.vault.SourceMatch;
import dev.memvault.core.vault.Vault;
import dev.memvault.core.vault.VaultHeaderFile;
import dev.memvault.proto.v1.BackupEnd;
import dev.memvault.proto.v1.BackupHeader;
import dev.memvault.proto.v1.BackupRecord;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.VaultHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup restored into a new directory, with the passphrase or with the recovery key, is the
 * vault that was backed up: every table row for row, and every read through the vault.
 */
class VaultBackupRoundTripTest {
  private static final char[] PASSPHRASE = "backup round trip passphrase".toCharArray();
  private static final char[] NEW_PASSPHRASE = "a new passphrase after restore".toCharArray();

  @TempDir static Path root;
  private static Path source;
  private static Vault vault;
  private static String recoveryKey;
  private static BackupFixture.Contents contents;
  private static Path backup;
  private static Map<String, List<String>> sourceTables;
  private static VaultHeader sourceHeader;
  private static List<Memory> sourceListing;
  private static List<ScopeSummary> sourceScopes;

  @BeforeAll
  static void backUpAFilledVault() throws Exception {
    source = root.resolve("source");
    CreatedVault created = Vault.create(source, PASSPHRASE);
    recoveryKey = created.recoveryKey();
    vault = created.vault();
    contents = BackupFixture.fill(vault);
    sourceListing = vault.list(Selection.all().limitedTo(1000));
    sourceScopes = vault.scopes();
    backup = root.resolve("vault.mvbackup");
    vault.backup(backup, BackupOptions.defaults().withSegmentSize(4096));
    sourceTables = BackupFixture.dump(source, recoveryKey);
    sourceHeader = VaultHeaderFile.read(source);
  }

  @AfterAll
  static void closeSource() {
    vault.close();
  }

  @Test
  void restore_withPassphrase_everyTableAndReadIsAsBackedUp() throws Exception {
    Path target = root.resolve("restored-by-passphrase");

    try (Vault restored = Vault.restore(backup, target, PASSPHRASE)) {
      assertEquals(vault.vaultIdHex(), restored.vaultIdHex());
      assertEquals(sourceListing, restored.list(Selection.all().limitedTo(1000)));
      assertEquals(sourceScopes, restored.scopes());
      assertEquals(contents.revisedHistory(), restored.history(contents.revised()));
      assertEquals(3, restored.history(contents.revised()).size());
      assertEquals(
          contents.messages(),
          restored.messages(contents.conversation()).stream().map(Memory::getId).toList());
      // Search runs on the restored index; forgotten memories stay out of it and out of reach.
      assertEquals(
          contents.revised(), restored.search("zanzibar", Selection.all()).get(0).memory().getId());
      assertEquals(
          contents.conversation(),
          restored.search("glacierhike", Selection.all()).get(0).memory().getId());
      assertEquals(24, restored.search("quillwort", Selection.all()).size());
      assertEquals(List.of(), restored.search("penicillinallergy", Selection.all()));
      assertEquals(List.of(), restored.search("wombatville", Selection.all()));
      assertThrows(VaultException.UnknownItem.class, () -> restored.get(contents.forgotten()));
      assertThrows(
          VaultException.UnknownItem.class, () -> restored.get(contents.forgottenConversation()));
      SourceMatch forgottenImport =
          restored.findBySource("chatgpt", contents.forgottenImportExternalId()).orElseThrow();
      assertTrue(forgottenImport.forgotten(), "a forgotten import stays forgotten");
    }

    BackupFixture.assertSameTables(sourceTables, BackupFixture.dump(target, recoveryKey));
    // A restore is a new device: same vault, keys and passphrase, its own device id and
    // database key.
    VaultHeader restoredHeader = VaultHeaderFile.read(target);
    assertEquals(sourceHeader.getVaultId(), restoredHeader.getVaultId());
    assertNotEquals(sourceHeader.getDeviceId(), restoredHeader.getDeviceId());
    assertNotEquals(sourceHeader.getDatabaseKey(), restoredHeader.getDatabaseKey());
    assertEquals(
        sourceHeader.toBuilder().clearDeviceId().clearDatabaseKey().clearIntegrityTag().build(),
        restoredHeader.toBuilder().clearDeviceId().clearDatabaseKey().clearIntegrityTag().build());
    assertEquals(
        List.of("vault.db", "vault.header"),
        BackupFixture.files(target).stream()
            .filter(name -> !name.startsWith("vault.db-"))
            .toList());
    // The restored vault opens with the passphrase of the backup, as any vault does.
    Vault.open(target, PASSPHRASE).close();
  }

  @Test
  void restoreWithRecovery_newPassphraseOpensRestoredVaultWithEveryRow() throws Exception {
    Path target = root.resolve("restored-by-recovery");

    try (Vault restored = Vault.restoreWithRecovery(backup, target, recoveryKey, NEW_PASSPHRASE)) {
      assertEquals(sourceListing, restored.list(Selection.all().limitedTo(1000)));
    }

    Map<String, List<String>> restoredTables = BackupFixture.dump(target, recoveryKey);
    BackupFixture.assertSameTables(sourceTables, restoredTables);
    assertThrows(VaultException.WrongKey.class, () -> Vault.open(target, PASSPHRASE));
    try (Vault reopened = Vault.open(target, NEW_PASSPHRASE)) {
      assertEquals(contents.revisedHistory(), reopened.history(contents.revised()));
    }
  }

  @Test
  void restore_rotatedScopeKeys_oldRecordsOpenAndNewWritesUseTheLatestKey() throws Exception {
    Path target = root.resolve("restored-keys");
    int primaryBefore;
    try (RawVault raw = RawVault.open(source, recoveryKey)) {
      primaryBefore = raw.keyset(WORK).primaryKeyId();
      assertEquals(2, raw.keyset(WORK).keyCount());
    }

    String added;
    try (Vault restored = Vault.restore(backup, target, PASSPHRASE)) {
      added = restored.add(Drafts.note(WORK, "written after the restore")).getId();
      restored.add(Drafts.note(CHATS, "another write after the restore"));
    }

    try (RawVault raw = RawVault.open(target, recoveryKey)) {
      assertEquals(2, raw.keyset(WORK).keyCount());
      assertEquals(primaryBefore, raw.keyset(WORK).primaryKeyId());
      assertEquals(primaryBefore, RawVault.tinkKeyId(raw.envelope(added)));
    }
  }

  @Test
  void backupFile_holdsNoPlaintextOfTextsScopeNamesTagsOrSourceIds() throws Exception {
    byte[] bytes = Files.readAllBytes(backup);

    List<String> found = new ArrayList<>();
    for (String plaintext : contents.plaintexts()) {
      for (String form : List.of(plaintext, plaintext.toLowerCase(java.util.Locale.ROOT))) {
        if (BackupFixture.indexOf(bytes, form.getBytes(StandardCharsets.UTF_8)) >= 0) {
          found.add(form);
        }
      }
    }

    assertEquals(List.of(), found, "plaintext found in the backup file");
    assertTrue(
        bytes.length > 5 * 4096, "the fixture should span several segments: " + bytes.length);
  }

  @Test
  void backupFile_startsWithMagicAndHeaderThatHoldsTheVaultHeader() throws Exception {
    byte[] bytes = Files.readAllBytes(backup);

    assertArrayEquals("MVBACK01".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(bytes, 8));
    assertEquals(sourceHeader, VaultBackup.readHeader(backup));
  }

  /**
   * Opens the backup with nothing but the JDK and the rules of docs/FORMAT.md section 13, as an
   * implementation in another language would, and finds every row of every table in it.
   */
  @Test
  void backupFile_openedWithTheJdkAloneAsFormatSection13Says_holdsEveryRow() throws Exception {
    ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(backup));
    byte[] magic = new byte[8];
    file.get(magic);
    byte[] h = new byte[file.getInt()];
    file.get(h);
    byte[] payload = new byte[file.remaining()];
    file.get(payload);
    BackupHeader header = BackupHeader.parseFrom(h);
    byte[] rootKey =
        RawVault.rootKey(sourceHeader, recoveryKey)
            .secret()
            .toByteArray(InsecureSecretKeyAccess.get());

    byte[] payloadKey =
        hkdfSha256(
            rootKey,
            header.getPayloadSalt().toByteArray(),
            "memvault.v1 backup payload".getBytes(StandardCharsets.UTF_8));
    byte[] ad =
        ByteBuffer.allocate(4 + 18 + 4 + h.length)
            .putInt(18)
            .put("memvault.v1.backup".getBytes(StandardCharsets.US_ASCII))
            .putInt(h.length)
            .put(h)
            .array();
    assertEquals(0x28, payload[0]);
    byte[] segmentKey = hkdfSha256(payloadKey, Arrays.copyOfRange(payload, 1, 33), ad);
    byte[] noncePrefix = Arrays.copyOfRange(payload, 33, 40);
    int size = header.getSegmentSize();
    ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
    int segment = 0;
    for (int start = 40; start < payload.length; segment++) {
      int end = Math.min(payload.length, (segment + 1) * size);
      byte[] nonce =
          ByteBuffer.allocate(12)
              .put(noncePrefix)
              .putInt(segment)
              .put((byte) (end == payload.length ? 1 : 0))
              .array();
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(segmentKey, "AES"),
          new GCMParameterSpec(128, nonce));
      plaintext.write(cipher.doFinal(payload, start, end - start));
      start = end;
    }
    Map<BackupRecord.ItemCase, Integer> counts =
        new java.util.EnumMap<>(BackupRecord.ItemCase.class);
    ByteBuffer records = ByteBuffer.wrap(plaintext.toByteArray());
    BackupRecord last = null;
    while (records.hasRemaining()) {
      byte[] record = new byte[records.getInt()];
      records.get(record);
      last = BackupRecord.parseFrom(record);
      counts.merge(last.getItemCase(), 1, Integer::sum);
    }

    assertArrayEquals("MVBACK01".getBytes(StandardCharsets.US_ASCII), magic);
    assertEquals(sourceHeader, header.getVault());
    assertTrue(segment > 5, "segments: " + segment);
    assertEquals(BackupRecord.ItemCase.END, last.getItemCase());
    assertEquals(1, counts.get(BackupRecord.ItemCase.END));
    BackupEnd end = last.getEnd();
    assertEquals(sourceTables.get("vault_meta").size(), end.getMeta());
    assertEquals(sourceTables.get("scopes").size(), end.getScopes());
    assertEquals(sourceTables.get("memories").size(), end.getMemories());
    assertEquals(sourceTables.get("memory_revisions").size(), end.getRevisions());
    assertEquals(sourceTables.get("memory_tags").size(), end.getTags());
    // The contentless index has no text to copy: a backup holds no search texts at all.
    assertEquals(0, end.getSearchTexts());
    assertEquals(null, counts.get(BackupRecord.ItemCase.SEARCH_TEXT));
    assertEquals((int) end.getMemories(), counts.get(BackupRecord.ItemCase.MEMORY));
  }

  /** RFC 5869 with one output block: PRK = HMAC(salt, IKM); OKM = HMAC(PRK, info || 0x01). */
  private static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info);
    return mac.doFinal(new byte[] {1});
  }

  @Test
  void backup_fileExists_refusedAndFileUnchanged() throws Exception {
    Path existing = root.resolve("existing.mvbackup");
    Files.writeString(existing, "keep me");

    assertThrows(VaultException.AlreadyExists.class, () -> vault.backup(existing));

    assertEquals("keep me", Files.readString(existing));
    assertFalse(
        BackupFixture.files(root).stream().anyMatch(name -> name.endsWith(".tmp")),
        "no temporary file is left behind");
  }

  @Test
  void backup_replacingExisting_replacesFileWithCompleteBackup() throws Exception {
    Path existing = root.resolve("replaced.mvbackup");
    Files.writeString(existing, "an older backup");
    List<long[]> reports = new ArrayList<>();

    vault.backup(
        existing,
        BackupOptions.defaults()
            .replacingExisting()
            .withProgress((copied, total) -> reports.add(new long[] {copied, total})));

    assertEquals(sourceHeader, VaultBackup.readHeader(existing));
    long[] last = reports.get(reports.size() - 1);
    long rows =
        sourceTables.values().stream().mapToLong(List::size).sum()
            - sourceTables.get("memory_fts").size()
            - 1;
    assertEquals(rows, last[0], "every row but the search index and user_version is copied");
    assertEquals(rows, last[1]);
    assertFalse(BackupFixture.files(root).stream().anyMatch(name -> name.endsWith(".tmp")));
  }

  @Test
  void backup_directoryMissing_failsAndCreatesNothing() {
    Path missing = root.resolve("no-such-dir").resolve("vault.mvbackup");

    VaultException e = assertThrows(VaultException.class, () -> vault.backup(missing));

    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertFalse(Files.exists(missing.getParent()));
  }

  @Test
  void backupOptions_toString_namesNoSecrets() {
    assertEquals(
        "BackupOptions[replaceExisting=true, segmentSize=1048576]",
        BackupOptions.defaults().replacingExisting().toString());
  }
}
