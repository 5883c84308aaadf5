package dev.memvault.core.internal.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.VaultException;
import dev.memvault.core.backup.BackupOptions;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.core.testing.Seeds;
import dev.memvault.core.testing.VaultDirs;
import dev.memvault.core.vault.CreatedVault;
import dev.memvault.core.vault.Vault;
import dev.memvault.core.vault.VaultHeaderFile;
import dev.memvault.proto.v1.BackupHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every change to a backup file (a flipped bit in the header or the payload, a truncation, bytes
 * appended, segments moved, a header from another backup) and every wrong key makes a restore fail
 * and leaves no file behind.
 *
 * <p>Most cases call {@link VaultBackup#restore} with the right root key, so that only the
 * tampering can make them fail and thousands of them run in seconds; a few go through {@link
 * Vault#restore} as a user would, paying for Argon2id each.
 */
class VaultBackupTamperTest {
  private static final int SEGMENT = 4096;

  /** Both vaults share it, so that a header swapped in from the other backup still unlocks. */
  private static final char[] PASSPHRASE = "tamper test passphrase".toCharArray();

  @TempDir static Path root;
  private static Path vaultA;
  private static byte[] pristine;
  private static byte[] secondBackupOfA;
  private static byte[] backupOfB;
  private static int payloadStart;
  private static RootKey rootA;
  private static RootKey rootB;
  private static String recoveryB;
  private static int cases;

  @BeforeAll
  static void makeBackups() throws Exception {
    vaultA = root.resolve("a");
    CreatedVault a = Vault.create(vaultA, PASSPHRASE);
    try (Vault vault = a.vault()) {
      BackupFixture.fill(vault);
      pristine = backUp(vault, "a1");
      secondBackupOfA = backUp(vault, "a2");
    }
    rootA = RawVault.rootKey(VaultHeaderFile.read(vaultA), a.recoveryKey());

    Path vaultB = root.resolve("b");
    CreatedVault b = Vault.create(vaultB, PASSPHRASE);
    recoveryB = b.recoveryKey();
    try (Vault vault = b.vault()) {
      vault.add(Drafts.note("other", "the other vault"));
      backupOfB = backUp(vault, "b");
    }
    rootB = RawVault.rootKey(VaultHeaderFile.read(vaultB), recoveryB);

    payloadStart = clearPartLength(pristine);
    assertTrue(
        pristine.length - payloadStart > 5 * SEGMENT,
        "the backup should span several segments: " + pristine.length);
  }

  private static byte[] backUp(Vault vault, String name) throws IOException {
    Path file = root.resolve(name + ".mvbackup");
    vault.backup(file, BackupOptions.defaults().withSegmentSize(SEGMENT));
    return Files.readAllBytes(file);
  }

  private static int clearPartLength(byte[] backup) {
    return 8 + 4 + ByteBuffer.wrap(backup, 8, 4).getInt();
  }

  // ---------------------------------------------------------------- core restore, right key

  @Test
  void restore_pristineBackup_buildsTheDatabase() throws Exception {
    Path target = freshDirectory();

    VaultBackup.restore(write(pristine), rootA, target.resolve("vault.db"), randomKey());

    assertEquals(List.of("vault.db"), BackupFixture.files(target));
  }

  @Test
  void restore_databaseFileExists_refusedAndFileUntouched() throws Exception {
    Path target = freshDirectory();
    Files.write(target.resolve("vault.db"), new byte[] {7});

    assertThrows(
        java.nio.file.FileAlreadyExistsException.class,
        () -> VaultBackup.restore(write(pristine), rootA, target.resolve("vault.db"), randomKey()));

    assertEquals(List.of("vault.db"), BackupFixture.files(target));
    assertEquals(1, Files.size(target.resolve("vault.db")));
  }

  /**
   * The clear part is associated data byte for byte, so any change fails; one bit per byte (a
   * different bit from byte to byte) keeps this to a few hundred restores.
   */
  @Test
  void clearPart_everyByteFlipped_restoresNothing() throws Exception {
    Path target = freshDirectory();
    for (int position = 0; position < payloadStart; position++) {
      int bit = position % 8;
      byte[] tampered = pristine.clone();
      tampered[position] ^= (byte) (1 << bit);
      assertRestoresNothing(tampered, rootA, target, "bit " + bit + " of byte " + position);
    }
  }

  @Test
  void payload_bytesFlippedAcrossEverySegment_restoresNothing() throws Exception {
    long seed = Seeds.seed("payload_bytesFlippedAcrossEverySegment_restoresNothing");
    SplittableRandom random = new SplittableRandom(seed);
    TreeSet<Integer> positions = new TreeSet<>();
    // Tink's stream header (length byte, salt, nonce prefix), then the first ciphertext byte.
    positions.addAll(List.of(0, 1, 32, 39, 40));
    for (int boundary = SEGMENT; boundary < pristine.length - payloadStart; boundary += SEGMENT) {
      positions.addAll(List.of(boundary - 1, boundary, boundary + SEGMENT / 2));
    }
    int payloadLength = pristine.length - payloadStart;
    // The last segment: its first byte, its tag, the very last byte.
    positions.add(payloadLength - payloadLength % SEGMENT);
    positions.addAll(List.of(payloadLength - 16, payloadLength - 1));
    for (int i = 0; i < 10; i++) {
      positions.add(random.nextInt(payloadLength));
    }
    positions.removeIf(p -> p >= payloadLength);

    Path target = freshDirectory();
    for (int position : positions) {
      byte[] tampered = pristine.clone();
      tampered[payloadStart + position] ^= (byte) (1 << random.nextInt(8));
      assertRestoresNothing(
          tampered, rootA, target, "payload byte " + position + Seeds.context(seed));
    }
  }

  @Test
  void truncated_atManyPointsAndAtEverySegmentBoundary_restoresNothing() throws Exception {
    TreeSet<Integer> lengths = new TreeSet<>();
    lengths.addAll(List.of(0, 5, 8, 12, payloadStart - 1, payloadStart));
    lengths.addAll(List.of(payloadStart + 1, payloadStart + 39, payloadStart + 40));
    lengths.addAll(List.of(payloadStart + 56, payloadStart + SEGMENT - 1));
    for (int boundary = payloadStart + SEGMENT; boundary < pristine.length; boundary += SEGMENT) {
      lengths.add(boundary);
    }
    lengths.addAll(List.of(pristine.length - 17, pristine.length - 16, pristine.length - 1));

    Path target = freshDirectory();
    for (int length : lengths) {
      assertRestoresNothing(
          Arrays.copyOf(pristine, length), rootA, target, "truncated to " + length + " bytes");
    }
  }

  @Test
  void appended_bytesAfterTheLastSegment_restoresNothing() throws Exception {
    int lastSegment = pristine.length - (pristine.length - payloadStart) % SEGMENT;
    Map<String, byte[]> cases =
        Map.of(
            "one zero byte", concat(pristine, new byte[1]),
            "a tag's worth", concat(pristine, new byte[16]),
            "the last segment again",
                concat(pristine, Arrays.copyOfRange(pristine, lastSegment, pristine.length)),
            "a whole second backup", concat(pristine, secondBackupOfA));

    Path target = freshDirectory();
    for (Map.Entry<String, byte[]> tampered : cases.entrySet()) {
      assertRestoresNothing(tampered.getValue(), rootA, target, tampered.getKey());
    }
  }

  @Test
  void segments_swappedDroppedOrRepeated_restoresNothing() throws Exception {
    int first = payloadStart + SEGMENT;
    int second = first + SEGMENT;
    byte[] one = Arrays.copyOfRange(pristine, first, second);
    byte[] two = Arrays.copyOfRange(pristine, second, second + SEGMENT);
    byte[] head = Arrays.copyOf(pristine, first);
    byte[] rest = Arrays.copyOfRange(pristine, second + SEGMENT, pristine.length);

    Path target = freshDirectory();
    assertRestoresNothing(concat(head, two, one, rest), rootA, target, "segments 1 and 2 swapped");
    assertRestoresNothing(concat(head, two, rest), rootA, target, "segment 1 dropped");
    assertRestoresNothing(concat(head, one, one, two, rest), rootA, target, "segment 1 twice");
  }

  @Test
  void header_fromAnotherBackup_restoresNothing() throws Exception {
    byte[] payloadOfA = Arrays.copyOfRange(pristine, payloadStart, pristine.length);
    byte[] clearOfB = Arrays.copyOf(backupOfB, clearPartLength(backupOfB));
    byte[] clearOfSecondA = Arrays.copyOf(secondBackupOfA, clearPartLength(secondBackupOfA));

    Path target = freshDirectory();
    assertRestoresNothing(concat(clearOfB, payloadOfA), rootA, target, "other vault's header");
    assertRestoresNothing(
        concat(clearOfB, payloadOfA), rootB, target, "other vault's header, its key");
    assertRestoresNothing(
        concat(clearOfSecondA, payloadOfA), rootA, target, "header of another backup of the vault");
  }

  @Test
  void restore_rootKeyOfAnotherVault_restoresNothing() throws Exception {
    assertRestoresNothing(pristine, rootB, freshDirectory(), "the other vault's root key");
  }

  // ---------------------------------------------------------------- through Vault, as a user

  static Stream<Arguments> tamperedThroughVault() {
    int payloadLength = pristine.length - payloadStart;
    return Stream.of(
        Arguments.of(
            "payload byte flipped",
            (UnaryOperator<byte[]>) b -> flip(b, payloadStart + payloadLength / 2)),
        Arguments.of("last byte flipped", (UnaryOperator<byte[]>) b -> flip(b, b.length - 1)),
        Arguments.of(
            "truncated at a segment boundary",
            (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, payloadStart + 2 * SEGMENT)),
        Arguments.of("one byte appended", (UnaryOperator<byte[]>) b -> concat(b, new byte[1])),
        Arguments.of(
            "payload salt in the header flipped",
            (UnaryOperator<byte[]>) b -> flip(b, saltOffset(b))),
        Arguments.of(
            "header of the other vault's backup",
            (UnaryOperator<byte[]>)
                b ->
                    concat(
                        Arrays.copyOf(backupOfB, clearPartLength(backupOfB)),
                        Arrays.copyOfRange(b, payloadStart, b.length))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tamperedThroughVault")
  void vaultRestore_tamperedBackup_corruptAndTargetEmpty(String what, UnaryOperator<byte[]> tamper)
      throws Exception {
    Path file = write(tamper.apply(pristine));
    Path target = root.resolve("vault-target-" + (++cases));

    VaultException.Corrupt e =
        assertThrows(
            VaultException.Corrupt.class, () -> Vault.restore(file, target, PASSPHRASE), what);

    assertTrue(e.getMessage().contains("nothing was restored"), e.getMessage());
    assertEquals(List.of(), BackupFixture.files(target), what);
  }

  @Test
  void vaultRestore_wrongPassphrase_wrongKeyAndNothingWritten() throws Exception {
    Path file = write(pristine);
    Path target = root.resolve("wrong-passphrase");

    assertThrows(
        VaultException.WrongKey.class,
        () -> Vault.restore(file, target, "not the passphrase".toCharArray()));

    assertEquals(List.of(), BackupFixture.files(target));
  }

  @Test
  void vaultRestoreWithRecovery_otherVaultsOrMistypedKey_wrongKeyAndNothingWritten()
      throws Exception {
    Path file = write(pristine);
    Path target = root.resolve("wrong-recovery");
    char[] next = "new passphrase here".toCharArray();

    assertThrows(
        VaultException.WrongKey.class,
        () -> Vault.restoreWithRecovery(file, target, recoveryB, next));
    String mistyped = (recoveryB.charAt(0) == 'A' ? "B" : "A") + recoveryB.substring(1);
    assertThrows(
        VaultException.WrongKey.class,
        () -> Vault.restoreWithRecovery(file, target, mistyped, next));

    assertEquals(List.of(), BackupFixture.files(target));
  }

  @Test
  void vaultRestore_intoExistingVault_alreadyExistsAndNothingChanged() throws Exception {
    Path file = write(pristine);
    Map<String, byte[]> before = VaultDirs.snapshot(vaultA);
    Path databaseOnly = root.resolve("database-only");
    Files.createDirectories(databaseOnly);
    Files.write(databaseOnly.resolve("vault.db"), new byte[] {1, 2, 3});

    assertThrows(VaultException.AlreadyExists.class, () -> Vault.restore(file, vaultA, PASSPHRASE));
    assertThrows(
        VaultException.AlreadyExists.class, () -> Vault.restore(file, databaseOnly, PASSPHRASE));

    assertSameFiles(before, VaultDirs.snapshot(vaultA));
    assertEquals(List.of("vault.db"), BackupFixture.files(databaseOnly));
  }

  @Test
  void vaultRestore_notABackupOrMissing_refusedBeforeAnyKeyIsAsked() throws Exception {
    Path notBackup = VaultHeaderFile.path(vaultA);
    Path target = root.resolve("not-a-backup");

    assertThrows(VaultException.Corrupt.class, () -> Vault.restore(notBackup, target, PASSPHRASE));
    assertThrows(
        VaultException.NotFound.class,
        () -> Vault.restore(root.resolve("missing.mvbackup"), target, PASSPHRASE));
    assertThrows(
        VaultException.Corrupt.class,
        () -> Vault.restore(write(Arrays.copyOf(pristine, 10)), target, PASSPHRASE));

    assertEquals(List.of(), BackupFixture.files(target));
  }

  // ---------------------------------------------------------------- helpers

  /** Restores with the given root key and expects a failure that leaves {@code target} empty. */
  private static void assertRestoresNothing(byte[] backup, RootKey key, Path target, String what)
      throws IOException {
    Path file = write(backup);
    try {
      VaultBackup.restore(file, key, target.resolve("vault.db"), randomKey());
      fail("restored a tampered backup: " + what);
    } catch (GeneralSecurityException expected) {
      // The one failure a tampered backup may produce.
    } catch (Exception e) {
      throw new AssertionError(what + ": expected GeneralSecurityException, got " + e, e);
    }
    assertEquals(List.of(), BackupFixture.files(target), what);
  }

  private static Path freshDirectory() throws IOException {
    return Files.createDirectories(root.resolve("target-" + (++cases)));
  }

  private static Path write(byte[] backup) {
    try {
      return Files.write(root.resolve("case.mvbackup"), backup);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SecretBytes randomKey() {
    return SecretBytes.randomBytes(32);
  }

  private static int saltOffset(byte[] backup) {
    try {
      BackupHeader header =
          BackupHeader.parseFrom(Arrays.copyOfRange(backup, 12, clearPartLength(backup)));
      return BackupFixture.indexOf(backup, header.getPayloadSalt().toByteArray()) + 5;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] flip(byte[] bytes, int position) {
    byte[] copy = bytes.clone();
    copy[position] ^= 0x01;
    return copy;
  }

  private static byte[] concat(byte[]... parts) {
    List<byte[]> list = new ArrayList<>(List.of(parts));
    byte[] all = new byte[list.stream().mapToInt(p -> p.length).sum()];
    int at = 0;
    for (byte[] part : list) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String name : expected.keySet()) {
      assertTrue(Arrays.equals(expected.get(name), actual.get(name)), name + " changed");
    }
  }
}
