package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault backup} and {@code memvault restore} driven as a person would: one vault is
 * backed up once, and each test restores that file somewhere new.
 */
class BackupCliTest {
  private static final String PASSPHRASE = "backup cli passphrase";
  private static final Pattern RECOVERY_KEY = Pattern.compile("([0-9A-Z]{4}(?:-[0-9A-Z]{4}){13})");

  @TempDir static Path temp;
  private static CliRunner source;
  private static String recoveryKey;
  private static Path backup;
  private static String sourceListing;

  @BeforeAll
  static void backUpAVault() {
    source = new CliRunner(temp.resolve("source"), PASSPHRASE);
    CliRunner.Result init = source.run("init");
    assertSuccess(init);
    Matcher key = RECOVERY_KEY.matcher(init.out());
    assertTrue(key.find(), init.out());
    recoveryKey = key.group(1);
    String id =
        source.run("add", "--scope", "work", "--tag", "diet", "I am vegetarian").out().strip();
    assertSuccess(source.run("add", "--scope", "home", "the boiler is serviced in March"));
    assertSuccess(source.run("update", id, "I am vegan now"));
    sourceListing = source.run("list").out();

    backup = temp.resolve("memvault.mvbackup");
    CliRunner.Result made = source.run("backup", "-o", backup.toString());
    assertSuccess(made);
    assertTrue(made.out().contains("memvault restore"), made.out());
    assertEquals("", made.err(), "no progress line when not at a terminal");
  }

  @Test
  void restore_withPassphrase_newVaultListsSearchesAndShowsHistoryAsBefore() {
    CliRunner target = new CliRunner(temp.resolve("by-passphrase"), PASSPHRASE);

    CliRunner.Result restored = target.run("restore", backup.toString());

    assertSuccess(restored);
    assertTrue(restored.out().contains("Restored 2 memories in 2 scope(s)"), restored.out());
    // The restore rebuilt the search index (a backup carries no search text), and said so.
    assertTrue(
        restored.err().contains("rebuilding the search index once")
            && restored.err().contains("search index rebuilt (2 memories)"),
        restored.err());
    CliRunner.Result listed = target.run("list");
    assertEquals(sourceListing, listed.out());
    assertFalse(listed.err().contains("search index"), listed.err()); // once only
    CliRunner.Result search = target.run("search", "vegan");
    assertTrue(search.out().contains("vegan"), search.out());
    String id = search.out().split("\\s+")[0];
    assertEquals(2, target.run("show", "--history", "--json", id).outLines().size());
  }

  @Test
  void restore_withRecovery_setsTheNewPassphrase() {
    Path dir = temp.resolve("by-recovery");
    CliRunner target =
        new CliRunner(dir, "not the passphrase, and not asked for")
            .withEnv("MEMVAULT_RECOVERY_KEY", recoveryKey)
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "a brand new passphrase");

    CliRunner.Result restored = target.run("restore", backup.toString(), "--recovery");

    assertSuccess(restored);
    assertTrue(restored.out().contains("new passphrase is set"), restored.out());
    assertEquals(sourceListing, new CliRunner(dir, "a brand new passphrase").run("list").out());
  }

  @Test
  void restore_tamperedBackup_failsWithOneLineAndNoVault() throws IOException {
    byte[] bytes = Files.readAllBytes(backup);
    bytes[bytes.length / 2] ^= 0x40;
    Path tampered = Files.write(temp.resolve("tampered.mvbackup"), bytes);
    Path dir = temp.resolve("from-tampered");

    assertFailure(
        new CliRunner(dir, PASSPHRASE).run("restore", tampered.toString()),
        1,
        "nothing was restored");

    assertEquals(List.of(), files(dir));
  }

  @Test
  void restore_wrongPassphrase_saysWhichPassphraseAndWritesNothing() throws IOException {
    Path dir = temp.resolve("wrong-passphrase");

    assertFailure(
        new CliRunner(dir, "not the passphrase").run("restore", backup.toString()),
        1,
        "current when it was made");

    assertEquals(List.of(), files(dir));
  }

  @Test
  void restore_intoExistingVault_refusesAndChangesNothing() throws IOException {
    Path dir = temp.resolve("source");
    List<String> before = files(dir);

    assertFailure(source.run("restore", backup.toString()), 1, "already exists");

    assertEquals(before, files(dir));
    assertEquals(sourceListing, source.run("list").out());
  }

  @Test
  void backup_existingFile_refusedWithoutForceReplacedWithForce() throws IOException {
    Path file = temp.resolve("twice.mvbackup");
    Files.writeString(file, "an older file");

    assertFailure(source.run("backup", "-o", file.toString()), 1, "--force");
    assertEquals("an older file", Files.readString(file));

    assertSuccess(source.run("backup", "--force", "-o", file.toString()));
    assertTrue(Files.size(file) > 100);
  }

  @Test
  void usageErrors_exitTwo_helpDescribesBothCommands() {
    assertFailure(source.run("backup"), 2, "--output");
    assertFailure(source.run("restore"), 2, "FILE");

    CliRunner.Result backupHelp = source.run("backup", "--help");
    assertSuccess(backupHelp);
    assertTrue(backupHelp.out().contains("--force"), backupHelp.out());
    assertTrue(backupHelp.out().contains("recovery key"), backupHelp.out());
    CliRunner.Result restoreHelp = source.run("restore", "--help");
    assertSuccess(restoreHelp);
    assertTrue(restoreHelp.out().contains("--recovery"), restoreHelp.out());
    assertTrue(restoreHelp.out().contains("MEMVAULT_NEW_PASSPHRASE"), restoreHelp.out());
  }

  @Test
  void progressLine_quietForASecondThenRedrawsOneLine() {
    StringWriter err = new StringWriter();
    long[] now = {0};
    BackupCommand.ProgressLine progress =
        new BackupCommand.ProgressLine(new PrintWriter(err), () -> now[0]);

    progress.rowsCopied(100, 1000);
    now[0] = 1_500_000_000L;
    progress.rowsCopied(500, 1000);
    now[0] += 1_000_000L;
    progress.rowsCopied(600, 1000);
    progress.rowsCopied(1000, 1000);
    progress.finish();

    assertEquals(
        "\rbacking up: 50% (500 of 1000 rows)\rbacking up: 100% (1000 of 1000 rows)"
            + System.lineSeparator(),
        err.toString());
  }

  @Test
  void progressLine_smallBackupFinishedWithinASecond_printsNothing() {
    StringWriter err = new StringWriter();
    BackupCommand.ProgressLine progress =
        new BackupCommand.ProgressLine(new PrintWriter(err), () -> 0);

    progress.rowsCopied(10, 10);
    progress.finish();

    assertEquals("", err.toString());
  }

  private static List<String> files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), "stdout:\n" + result.out() + "\nstderr:\n" + result.err());
  }

  private static void assertFailure(CliRunner.Result result, int code, String errorContains) {
    assertEquals(
        code, result.exitCode(), "stdout:\n" + result.out() + "\nstderr:\n" + result.err());
    assertTrue(result.err().startsWith("memvault: "), result.err());
    assertEquals(1, result.err().strip().lines().count(), "one line: " + result.err());
    assertTrue(result.err().contains(errorContains), result.err());
    assertFalse(result.err().contains("Exception"), result.err());
  }
}
