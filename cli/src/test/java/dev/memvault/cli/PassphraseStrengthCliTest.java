package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command that sets a passphrase refuses an easy one, says why, and changes nothing. */
class PassphraseStrengthCliTest {
  private static final String PASSPHRASE = "plover tundra quietly ferments";

  @TempDir Path temp;

  @Test
  void init_obviouslyWeakPassphrase_refusedWithTheReasonAndNoFilesWritten() throws IOException {
    Path vault = temp.resolve("vault");

    CliRunner.Result refused = new CliRunner(vault, "aaaaaaaa").run("init");

    assertRefused(refused, "it is one character repeated");
    assertFalse(Files.exists(vault) && holdsFiles(vault), "nothing written at " + vault);
  }

  @Test
  void passwdAndRecover_weakNewPassphrase_refusedAndTheOldOneStillOpens() {
    CliRunner cli = new CliRunner(temp.resolve("vault"), PASSPHRASE);
    CliRunner.Result init = cli.run("init");
    assertEquals(0, init.exitCode(), init.err());

    assertRefused(
        cli.withEnv("MEMVAULT_NEW_PASSPHRASE", "        ").run("passwd"),
        "it is one character repeated");
    assertRefused(
        cli.withEnv("MEMVAULT_RECOVERY_KEY", CliRunner.recoveryKey(init.out()))
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "password1")
            .run("recover"),
        "this is a very common password");

    assertEquals(0, cli.run("list").exitCode(), "the old passphrase still opens the vault");
  }

  @Test
  void join_weakPassphrase_refusedBeforeAnyServerIsAsked() throws IOException {
    Path vault = temp.resolve("joined");
    CliRunner.Result refused =
        new CliRunner(vault, "qwertyuiop")
            .withEnv("MEMVAULT_RECOVERY_KEY", "not read before the passphrase is judged")
            .run("join", "--server", "http://127.0.0.1:9", "--recovery");

    assertRefused(refused, "this is a top-100 common password");
    assertFalse(Files.exists(vault) && holdsFiles(vault), "nothing written at " + vault);
  }

  private static void assertRefused(CliRunner.Result result, String reason) {
    assertEquals(1, result.exitCode(), "stdout: " + result.out() + " stderr: " + result.err());
    String err = result.err().strip();
    assertFalse(err.contains("\n"), "one line: " + err);
    assertTrue(err.startsWith("memvault: the passphrase is too easy to guess: " + reason), err);
    assertTrue(err.contains("choose four or more random words"), err);
    assertTrue(err.endsWith("nothing was changed"), err);
    assertFalse(err.contains("Exception"), err);
  }

  private static boolean holdsFiles(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isPresent();
    }
  }
}
