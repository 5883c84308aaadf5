package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.core.testing.Seeds;
import dev.memvault.core.testing.VaultDirs;
import dev.memvault.proto.v1.KdfParams;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.VaultHeader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged or tampered files: the vault refuses to open or to read, with {@link
 * VaultException.Corrupt} (or {@link VaultException.WrongKey} where the damage is indistinguishable
 * from a wrong key), and never returns data that differs from what was stored.
 *
 * <p>One pristine vault is built once; each case works on a fresh copy of its files.
 */
class VaultTamperTest {
  private static final char[] PASSPHRASE = "tamper passphrase".toCharArray();
  private static final int PAGE = 4096;

  @TempDir static Path root;
  private static Path pristine;
  private static String recoveryKey;

  /** Every live memory of the pristine vault, by id, with its history. */
  private static final Map<String, List<Memory>> stored = new LinkedHashMap<>();

  /** Pages of the pristine database that every full read touches. */
  private static List<Long> memoryPages;

  private static int copies;

  @BeforeAll
  static void buildPristineVault() {
    pristine = root.resolve("pristine");
    CreatedVault created = Vault.create(pristine, PASSPHRASE);
    recoveryKey = created.recoveryKey();
    try (Vault vault = created.vault()) {
      for (int i = 0; i < 60; i++) {
        String scope = i % 3 == 0 ? "home" : "work";
        Memory memory =
            vault.add(
                Drafts.note(
                    scope,
                    "memory " + i + " about the harbour crane number " + (i * 37),
                    "t" + (i % 4)));
        stored.put(memory.getId(), new ArrayList<>(List.of(memory)));
      }
      for (String id : new ArrayList<>(stored.keySet()).subList(0, 10)) {
        stored.get(id).add(vault.update(id, b -> b.setText(b.getText() + " (revised)")));
      }
    }
    try (RawVault raw = RawVault.open(pristine, recoveryKey)) {
      memoryPages = raw.pagesOf(List.of("memories", "memory_revisions"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertTrue(memoryPages.size() > 5, memoryPages.toString());
  }

  private static Path copy() {
    return VaultDirs.copy(pristine, root.resolve("copy" + (++copies)));
  }

  /**
   * Opens the vault and reads everything in it: every memory by id and with its history, the full
   * listing, a search that touches every memory's index entry, and the scopes. Returns normally
   * only if every read equals what was stored.
   */
  private static void openAndReadEverything(Path dir) {
    try (Vault vault = Vault.open(dir, PASSPHRASE)) {
      for (Map.Entry<String, List<Memory>> entry : stored.entrySet()) {
        List<Memory> history = entry.getValue();
        assertEquals(history.get(history.size() - 1), vault.get(entry.getKey()));
        assertEquals(history, vault.history(entry.getKey()));
      }
      List<Memory> listed = vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT));
      assertEquals(stored.size(), listed.size());
      for (Memory memory : listed) {
        List<Memory> history = stored.get(memory.getId());
        assertEquals(history.get(history.size() - 1), memory);
      }
      List<SearchResult> hits =
          vault.search("harbour crane", Selection.all().limitedTo(Selection.MAX_LIMIT));
      assertEquals(stored.size(), hits.size());
      assertEquals(2, vault.scopes().size());
    }
  }

  @Test
  void pristineCopy_readsBackEverything() {
    openAndReadEverything(copy());
  }

  /** A byte flipped in a page that holds memories, their history or their indexed text: refused. */
  @Test
  void database_byteFlippedInMemoryPage_corrupt() throws Exception {
    long seed = Seeds.seed("database_byteFlippedInMemoryPage_corrupt");
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 4; round++) {
      long page = memoryPages.get(random.nextInt(memoryPages.size()));
      long offset = (page - 1) * PAGE + random.nextInt(PAGE);
      int mask = 1 + random.nextInt(255);
      Path dir = copy();
      flipByte(dir.resolve(Vault.DATABASE_FILE), offset, mask);

      String context = "byte " + offset + " (page " + page + ") ^ " + mask + Seeds.context(seed);
      VaultException.Corrupt e =
          assertThrows(VaultException.Corrupt.class, () -> openAndReadEverything(dir), context);
      assertTrue(e.getMessage().contains("restore"), e.getMessage());
    }
  }

  /**
   * A byte flipped anywhere in the middle of the file. Pages no query reads (a free page, an index
   * of an unused feature) are not checked until read, so the vault may open; but whatever it
   * returns must be exactly what was stored (SQLCipher authenticates every page it reads).
   */
  @Test
  void database_byteFlippedAnywhere_corruptOrUnchangedData() throws Exception {
    long seed = Seeds.seed("database_byteFlippedAnywhere_corruptOrUnchangedData");
    SplittableRandom random = new SplittableRandom(seed);
    long size = Files.size(pristine.resolve(Vault.DATABASE_FILE));
    int refused = 0;
    for (int round = 0; round < 4; round++) {
      long offset = size / 4 + random.nextLong(size / 2);
      Path dir = copy();
      flipByte(dir.resolve(Vault.DATABASE_FILE), offset, 1 + random.nextInt(255));
      try {
        openAndReadEverything(dir);
      } catch (VaultException.Corrupt e) {
        refused++;
      } catch (AssertionError wrongData) {
        throw new AssertionError(
            "byte " + offset + " flipped: " + wrongData.getMessage() + Seeds.context(seed),
            wrongData);
      }
    }
    System.out.println(
        refused + " of 4 flips refused; the others hit pages these reads do not touch");
  }

  /** Two whole pages swapped: each page's MAC covers its page number. */
  @Test
  void database_twoMemoryPagesSwapped_corrupt() throws Exception {
    Path dir = copy();
    Path file = dir.resolve(Vault.DATABASE_FILE);
    byte[] bytes = Files.readAllBytes(file);
    long a = memoryPages.get(0);
    long b = memoryPages.get(memoryPages.size() - 1);
    byte[] pageA = Arrays.copyOfRange(bytes, (int) ((a - 1) * PAGE), (int) (a * PAGE));
    System.arraycopy(bytes, (int) ((b - 1) * PAGE), bytes, (int) ((a - 1) * PAGE), PAGE);
    System.arraycopy(pageA, 0, bytes, (int) ((b - 1) * PAGE), PAGE);
    Files.write(file, bytes);

    assertThrows(
        VaultException.Corrupt.class, () -> openAndReadEverything(dir), "pages " + a + " and " + b);
  }

  @Test
  void database_firstPageFlipped_corruptAtOpen() throws Exception {
    for (long offset : new long[] {0, 16, PAGE - 1}) {
      Path dir = copy();
      flipByte(dir.resolve(Vault.DATABASE_FILE), offset, 0x01);
      assertThrows(
          VaultException.Corrupt.class,
          () -> Vault.open(dir, PASSPHRASE).close(),
          "offset " + offset);
    }
  }

  @Test
  void database_truncatedByWholePages_corrupt() throws Exception {
    long size = Files.size(pristine.resolve(Vault.DATABASE_FILE));
    for (long length : new long[] {size / 2, size - PAGE, PAGE, 0}) {
      Path dir = copy();
      truncate(dir.resolve(Vault.DATABASE_FILE), length);
      assertThrows(
          VaultException.Corrupt.class, () -> openAndReadEverything(dir), "truncated to " + length);
    }
  }

  /**
   * A cut inside the last page: if none of these reads touches that page, the vault opens; what it
   * returns must then be exactly what was stored.
   */
  @Test
  void database_truncatedInsideLastPage_corruptOrUnchangedData() throws Exception {
    long size = Files.size(pristine.resolve(Vault.DATABASE_FILE));
    for (long length : new long[] {size - 1, size - PAGE + 1}) {
      Path dir = copy();
      truncate(dir.resolve(Vault.DATABASE_FILE), length);
      try {
        openAndReadEverything(dir);
      } catch (VaultException.Corrupt refused) {
        // fine too
      }
    }
  }

  @Test
  void database_missing_corruptSayingSo() throws Exception {
    Path dir = copy();
    Files.delete(dir.resolve(Vault.DATABASE_FILE));

    VaultException.Corrupt e =
        assertThrows(VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void database_fromAnotherVault_corrupt() throws Exception {
    Path other = root.resolve("other");
    Vault.create(other, PASSPHRASE).vault().close();
    Path dir = copy();
    Files.copy(
        other.resolve(Vault.DATABASE_FILE),
        dir.resolve(Vault.DATABASE_FILE),
        StandardCopyOption.REPLACE_EXISTING);

    assertThrows(VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE));
  }

  /** Any byte of the header file changed: the checksum catches it before any key is derived. */
  @Test
  void header_everyByteFlipped_corrupt() throws Exception {
    byte[] header = Files.readAllBytes(VaultHeaderFile.path(pristine));
    Path dir = copy();
    for (int i = 0; i < header.length; i++) {
      byte[] tampered = header.clone();
      tampered[i] ^= 0x01;
      Files.write(VaultHeaderFile.path(dir), tampered);
      int index = i;
      assertThrows(
          VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE).close(), "byte " + index);
    }
    for (int length : new int[] {0, 8, 39, header.length - 1}) {
      Files.write(VaultHeaderFile.path(dir), Arrays.copyOf(header, length));
      assertThrows(
          VaultException.Corrupt.class,
          () -> Vault.open(dir, PASSPHRASE).close(),
          "length " + length);
    }
    Files.write(VaultHeaderFile.path(dir), Arrays.copyOf(header, header.length + 1));
    assertThrows(
        VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE).close(), "extra byte");
  }

  /**
   * Header fields changed and the checksum recomputed (as an attacker would): the associated data
   * of the wrapped keys catches every change that matters.
   */
  @Test
  void header_fieldChangedWithValidChecksum_neverOpens() {
    VaultHeader original = VaultHeaderFile.read(pristine);
    Map<String, UnaryOperator<VaultHeader.Builder>> changes = new LinkedHashMap<>();
    changes.put("vault_id", b -> b.setVaultId(flip(b.getVaultId(), 3)));
    changes.put("device_id", b -> b.setDeviceId(flip(b.getDeviceId(), 5)));
    changes.put(
        "kdf.salt", b -> b.setKdf(b.getKdf().toBuilder().setSalt(flip(b.getKdf().getSalt(), 0))));
    changes.put("kdf.iterations up", b -> b.setKdf(b.getKdf().toBuilder().setIterations(4)));
    changes.put(
        "kdf.memory up",
        b -> b.setKdf(b.getKdf().toBuilder().setMemoryKib(KdfParameters.MIN_MEMORY_KIB + 1024)));
    changes.put("kdf.parallelism up", b -> b.setKdf(b.getKdf().toBuilder().setParallelism(2)));
    changes.put(
        "root_key_by_passphrase",
        b -> b.setRootKeyByPassphrase(flip(b.getRootKeyByPassphrase(), 20)));
    changes.put("database_key", b -> b.setDatabaseKey(flip(b.getDatabaseKey(), 20)));
    changes.put(
        "database_key swapped for root_key_by_recovery",
        b -> b.setDatabaseKey(b.getRootKeyByRecovery()));
    changes.put("format_version", b -> b.setFormatVersion(2));
    changes.put("vault_id too short", b -> b.setVaultId(b.getVaultId().substring(1)));
    changes.put("created_at", b -> b.setCreatedAt(b.getCreatedAt() - 86_400));
    changes.put(
        "root_key_by_recovery", b -> b.setRootKeyByRecovery(flip(b.getRootKeyByRecovery(), 7)));
    changes.put("integrity_tag", b -> b.setIntegrityTag(flip(b.getIntegrityTag(), 0)));
    changes.put("integrity_tag removed", VaultHeader.Builder::clearIntegrityTag);
    for (Map.Entry<String, UnaryOperator<VaultHeader.Builder>> change : changes.entrySet()) {
      Path dir = copy();
      VaultHeaderFile.write(dir, change.getValue().apply(original.toBuilder()).build());
      try {
        Vault.open(dir, PASSPHRASE).close();
        fail(change.getKey() + " changed, and the vault still opened");
      } catch (VaultException.Corrupt | VaultException.WrongKey expected) {
        // refused
      } catch (VaultException other) {
        assertEquals("format_version", change.getKey(), other.toString());
        assertTrue(other.getMessage().contains("format version 2"), other.getMessage());
      }
    }
  }

  @Test
  void header_recoveryWrapChanged_passphraseOpenRefusesToo() {
    Path dir = copy();
    VaultHeader original = VaultHeaderFile.read(dir);
    VaultHeaderFile.write(
        dir,
        original.toBuilder()
            .setRootKeyByRecovery(flip(original.getRootKeyByRecovery(), 7))
            .build());

    VaultException.Corrupt refused =
        assertThrows(VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE));
    assertTrue(refused.getMessage().contains("altered"), refused.getMessage());
  }

  @Test
  void header_alteredWhileOpen_passphraseChangeRefusedAndHeaderLeftAsFound() throws Exception {
    Path dir = copy();
    try (Vault vault = Vault.open(dir, PASSPHRASE)) {
      VaultHeader original = VaultHeaderFile.read(dir);
      VaultHeaderFile.write(
          dir,
          original.toBuilder()
              .setRootKeyByRecovery(flip(original.getRootKeyByRecovery(), 7))
              .build());
      byte[] altered = Files.readAllBytes(VaultHeaderFile.path(dir));

      VaultException.Corrupt refused =
          assertThrows(
              VaultException.Corrupt.class,
              () -> vault.changePassphrase("a new passphrase".toCharArray()));

      assertTrue(refused.getMessage().contains("altered while the vault was open"));
      assertArrayEquals(altered, Files.readAllBytes(VaultHeaderFile.path(dir)));
    }
  }

  @Test
  void header_unknownFieldAppendedWithValidChecksum_neverOpens() throws Exception {
    Path dir = copy();
    VaultHeader original = VaultHeaderFile.read(dir);
    VaultHeaderFile.write(
        dir,
        original.toBuilder()
            .setUnknownFields(
                com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(
                        999,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build());

    VaultException.Corrupt refused =
        assertThrows(VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE));

    assertTrue(refused.getMessage().contains("fields this memvault does not know"));
  }

  @Test
  void header_recoveryWrapChanged_recoveryRefused() {
    Path dir = copy();
    VaultHeader original = VaultHeaderFile.read(dir);
    VaultHeaderFile.write(
        dir,
        original.toBuilder()
            .setRootKeyByRecovery(flip(original.getRootKeyByRecovery(), 7))
            .build());

    assertThrows(
        VaultException.WrongKey.class, () -> Vault.recover(dir, recoveryKey, "new".toCharArray()));
  }

  @Test
  void header_argon2ParametersLowered_refusedNamingTheMinimum() {
    VaultHeader original = VaultHeaderFile.read(pristine);
    KdfParams kdf = original.getKdf();
    KdfParams[] weaker = {
      kdf.toBuilder().setMemoryKib(KdfParameters.MIN_MEMORY_KIB / 2).build(),
      kdf.toBuilder().setMemoryKib(8).build(),
      kdf.toBuilder().setIterations(1).build(),
      kdf.toBuilder().setParallelism(0).build(),
      kdf.toBuilder().setSalt(kdf.getSalt().substring(0, 8)).build(),
    };
    for (KdfParams params : weaker) {
      Path dir = copy();
      VaultHeaderFile.write(dir, original.toBuilder().setKdf(params).build());
      byte[] headerBytes = readUnchecked(VaultHeaderFile.path(dir));

      VaultException.Corrupt e =
          assertThrows(
              VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE), params.toString());

      assertTrue(e.getMessage().contains("minimum"), e.getMessage());
      assertTrue(e.getMessage().contains("tampered"), e.getMessage());
      assertTrue(
          Arrays.equals(headerBytes, readUnchecked(VaultHeaderFile.path(dir))), "header rewritten");
    }
    Path dir = copy();
    VaultHeaderFile.write(
        dir, original.toBuilder().setKdf(kdf.toBuilder().setAlgorithm("argon2i")).build());
    VaultException.Corrupt e =
        assertThrows(VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE));
    assertTrue(e.getMessage().contains("argon2i"), e.getMessage());
  }

  @Test
  void header_argon2ParametersHuge_refusedBeforeDeriving() {
    VaultHeader original = VaultHeaderFile.read(pristine);
    Path dir = copy();
    VaultHeaderFile.write(
        dir,
        original.toBuilder()
            .setKdf(original.getKdf().toBuilder().setMemoryKib(KdfParameters.MAX_MEMORY_KIB + 1))
            .build());

    VaultException.Corrupt e =
        assertThrows(VaultException.Corrupt.class, () -> Vault.open(dir, PASSPHRASE));
    assertTrue(e.getMessage().contains("maximum"), e.getMessage());
  }

  /** Envelopes moved between rows, or rolled back to an earlier revision, never decrypt. */
  @Test
  void envelope_swappedIntoAnotherRow_corruptOnRead() throws Exception {
    List<String> ids = new ArrayList<>(stored.keySet());
    String a = ids.get(1); // work
    String b = ids.get(2); // work, same scope as a
    String c = ids.get(3); // home
    String revised = ids.get(4); // has an earlier revision
    Path dir = copy();
    try (RawVault raw = RawVault.open(dir, recoveryKey)) {
      raw.setEnvelope(b, raw.envelope(a));
      raw.setEnvelope(c, raw.envelope(ids.get(5)));
      raw.setEnvelope(revised, earliestRevisionEnvelope(raw, revised));
    }

    try (Vault vault = Vault.open(dir, PASSPHRASE)) {
      assertEquals(last(stored.get(a)), vault.get(a));
      for (String id : List.of(b, c, revised)) {
        VaultException.Corrupt e =
            assertThrows(VaultException.Corrupt.class, () -> vault.get(id), id);
        assertTrue(e.getMessage().contains(id), e.getMessage());
      }
      assertThrows(
          VaultException.Corrupt.class,
          () -> vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT)));
      assertThrows(
          VaultException.Corrupt.class,
          () -> vault.search("harbour", Selection.all().limitedTo(Selection.MAX_LIMIT)));
      assertThrows(
          VaultException.Corrupt.class, () -> vault.update(b, m -> m.setText("overwrite")));
      assertThrows(VaultException.Corrupt.class, () -> vault.forget(b));
      assertEquals(last(stored.get(ids.get(6))), vault.get(ids.get(6)));
    }
  }

  @Test
  void envelope_bytesFlipped_corruptOnRead() throws Exception {
    long seed = Seeds.seed("envelope_bytesFlipped_corruptOnRead");
    SplittableRandom random = new SplittableRandom(seed);
    List<String> ids = new ArrayList<>(stored.keySet());
    Path dir = copy();
    List<String> tampered = new ArrayList<>();
    try (RawVault raw = RawVault.open(dir, recoveryKey)) {
      for (int i = 0; i < 20; i++) {
        String id = ids.get(20 + i);
        byte[] envelope = raw.envelope(id);
        envelope[random.nextInt(envelope.length)] ^= (byte) (1 + random.nextInt(255));
        raw.setEnvelope(id, envelope);
        tampered.add(id);
      }
    }
    try (Vault vault = Vault.open(dir, PASSPHRASE)) {
      for (String id : tampered) {
        assertThrows(VaultException.Corrupt.class, () -> vault.get(id), id + Seeds.context(seed));
      }
      assertEquals(last(stored.get(ids.get(0))), vault.get(ids.get(0)));
    }
  }

  private static byte[] earliestRevisionEnvelope(RawVault raw, String id) throws Exception {
    try (var query =
        raw.connection()
            .prepareStatement(
                "SELECT envelope FROM memory_revisions WHERE id = ? ORDER BY revision")) {
      query.setString(1, id);
      try (var rows = query.executeQuery()) {
        assertTrue(rows.next(), "no earlier revision of " + id);
        return rows.getBytes(1);
      }
    }
  }

  private static Memory last(List<Memory> history) {
    return history.get(history.size() - 1);
  }

  private static ByteString flip(ByteString value, int index) {
    byte[] bytes = value.toByteArray();
    bytes[index] ^= 0x01;
    return ByteString.copyFrom(bytes);
  }

  private static void flipByte(Path file, long offset, int mask) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ mask);
    }
  }

  private static void truncate(Path file, long length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    }
  }

  private static byte[] readUnchecked(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
