package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.sdk.MemoryVault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault unlock} as a person uses it, every command a process of its own: the passphrase
 * typed once, then commands without it until {@code lock} or the expiry, after which a command asks
 * again. Commands that must ask run without a terminal, where asking fails with one line.
 */
class UnlockCliTest {
  private static final String PASSPHRASE = "unlock once: kestrel";
  private static final String ASKS = "no terminal to ask for it";

  @TempDir Path temp;

  private Path vault;
  private String recoveryKey;
  private CliRunner withPassphrase;
  private CliRunner without;

  @BeforeEach
  void createVault() {
    vault = temp.resolve("vault");
    withPassphrase = new CliRunner(vault, PASSPHRASE).withoutTerminal();
    without = withPassphrase.withEnv("MEMVAULT_PASSPHRASE", null);
    CliRunner.Result created = withPassphrase.run("init");
    assertEquals(0, created.exitCode(), created.err());
    recoveryKey = CliRunner.recoveryKey(created.out());
  }

  @AfterEach
  void endAgent() throws Exception {
    without.run("lock");
    Optional<ProcessHandle> left = agent();
    if (left.isPresent()) {
      left.get().destroy();
      left.get().onExit().get(30, TimeUnit.SECONDS);
    }
  }

  private Path socket() {
    return vault.toAbsolutePath().normalize().resolve("agent.sock");
  }

  /** The vault's agent process, found by the socket path among its arguments (Linux /proc). */
  private Optional<ProcessHandle> agent() {
    byte[] socket = socket().toString().getBytes(StandardCharsets.UTF_8);
    return ProcessHandle.allProcesses()
        .filter(
            process ->
                indexOf(readIfThere(Path.of("/proc", process.pid() + "", "cmdline")), socket) >= 0)
        .findFirst();
  }

  private void assertAsks(CliRunner.Result result) {
    assertEquals(1, result.exitCode(), result.err());
    assertTrue(result.err().contains(ASKS), result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
  }

  @Test
  void unlock_thenCommandsWithoutPassphrase_untilLockedThenAsked() {
    CliRunner.Result unlocked = withPassphrase.run("unlock");
    assertEquals(0, unlocked.exitCode(), unlocked.err());
    assertTrue(
        unlocked
            .out()
            .matches("unlocked until .+ \\(15 minutes\\); 'memvault lock' locks it sooner\n"),
        unlocked.out());
    assertTrue(agent().isPresent(), "the agent outlives the unlock command");

    CliRunner.Result added = without.run("add", "--scope", "garden", "the fig tree needs water");
    assertEquals(0, added.exitCode(), added.err());
    CliRunner.Result found = without.run("search", "fig");
    assertEquals(0, found.exitCode(), found.err());
    assertTrue(found.out().contains("fig tree"), found.out());
    assertEquals(0, without.run("list").exitCode());
    CliRunner.Result status = without.run("unlock", "--status");
    assertEquals(0, status.exitCode(), status.err());
    assertTrue(status.out().startsWith("unlocked until "), status.out());

    CliRunner.Result locked = without.run("lock");

    assertEquals(0, locked.exitCode(), locked.err());
    assertEquals("locked\n", locked.out());
    assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS));
    assertTrue(agent().isEmpty(), "the agent exited");
    assertAsks(without.run("search", "fig"));
    CliRunner.Result after = without.run("unlock", "--status");
    assertEquals(1, after.exitCode());
    assertEquals("locked\n", after.out());
    assertEquals("was not unlocked\n", without.run("lock").out());
  }

  @Test
  void launched_readOnlyCommandsWhileUnlocked_runInTheAgentWithTheirOwnOutputAndExitCodes()
      throws Exception {
    assertEquals(0, withPassphrase.run("add", "--scope", "garden", "the fig tree").exitCode());
    String id = withPassphrase.run("list").out().split(" ")[0];
    assertEquals(0, withPassphrase.run("unlock").exitCode());
    Path handedOverLog = temp.resolve("handed-over.classes");
    CliRunner handedOver = without.launched(handedOverLog);
    CliRunner itself =
        without.launched(temp.resolve("itself.classes")).withEnv("MEMVAULT_NO_AGENT", "1");

    for (String[] command :
        List.of(
            new String[] {"search", "fig"},
            new String[] {"list"},
            new String[] {"show", id},
            new String[] {"show", "no-such-memory"},
            new String[] {"search", "--scpoe", "garden", "fig"})) {
      CliRunner.Result there = handedOver.run(command);
      CliRunner.Result here = itself.run(command);

      String line = String.join(" ", command);
      assertEquals(here.exitCode(), there.exitCode(), line);
      assertEquals(here.out(), there.out(), line);
      assertEquals(here.err(), there.err(), line);
      assertTrue(
          Files.readString(handedOverLog).contains("dev.memvault.cli.Launch"), "logged: " + line);
      assertFalse(
          Files.readString(handedOverLog).contains("dev.memvault.core."),
          "the process that handed '" + line + "' over loaded none of the vault's code");
    }
    assertTrue(
        Files.readString(temp.resolve("itself.classes")).contains("dev.memvault.core.vault.Vault"),
        "the check would see the vault's code where it is loaded");
    assertEquals(1, handedOver.run("show", "no-such-memory").exitCode());
    assertEquals(2, handedOver.run("search", "--scpoe", "garden", "fig").exitCode());

    assertEquals(0, without.run("lock").exitCode());
    CliRunner.Result locked = handedOver.run("search", "fig");
    assertAsks(locked);
    assertTrue(
        Files.readString(handedOverLog).contains("dev.memvault.core."),
        "locked, the command runs in its own process");
  }

  @Test
  void unlock_wrongPassphrase_oneLineExitOneNoAgent() {
    CliRunner.Result refused =
        withPassphrase.withEnv("MEMVAULT_PASSPHRASE", "not the passphrase").run("unlock");

    assertEquals(1, refused.exitCode());
    assertEquals("", refused.out());
    assertTrue(refused.err().startsWith("memvault: wrong passphrase"), refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS));
    assertTrue(agent().isEmpty());
    assertAsks(without.run("list"));
  }

  @Test
  void unlock_forTwoSeconds_agentEndsAtExpiryAndNextCommandAsks() throws Exception {
    CliRunner.Result unlocked = withPassphrase.run("unlock", "--for", "2s");
    assertEquals(0, unlocked.exitCode(), unlocked.err());
    assertTrue(unlocked.out().contains("(2 seconds)"), unlocked.out());

    // Waits for the agent to exit on its own, if it has not already.
    Optional<ProcessHandle> agent = agent();
    if (agent.isPresent()) {
      agent.get().onExit().get(60, TimeUnit.SECONDS);
    }

    assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS), "the agent removed its socket");
    assertAsks(without.run("list"));
  }

  @Test
  void unlock_badLength_usageErrorAndNoAgent() {
    for (String length : List.of("13h", "0m", "soon", "15")) {
      CliRunner.Result refused = withPassphrase.run("unlock", "--for", length);

      assertEquals(2, refused.exitCode(), length + ": " + refused.err());
      assertTrue(refused.err().contains("is not a session length"), refused.err());
      assertEquals(1, refused.err().strip().lines().count(), refused.err());
    }
    assertTrue(agent().isEmpty());
  }

  @Test
  void rekey_whileUnlocked_sessionEndsAndNextCommandAsks() {
    assertEquals(0, withPassphrase.run("unlock").exitCode());

    CliRunner.Result rekeyed = withPassphrase.run("rekey", "--no-sync");

    assertEquals(0, rekeyed.exitCode(), rekeyed.err());
    assertTrue(agent().isEmpty(), "no agent keeps the old root key");
    assertAsks(without.run("list"));
    assertEquals(0, withPassphrase.run("list").exitCode());
  }

  @Test
  void unlocked_vaultReplacedMeanwhile_sessionEndedAndCommandAsks() throws IOException {
    Path other = temp.resolve("other");
    assertEquals(0, new CliRunner(other, PASSPHRASE).run("init").exitCode());
    assertEquals(0, withPassphrase.run("unlock").exitCode());

    // Another vault's files where the unlocked one was, as a restore or a copy would put them:
    // the agent's key does not open them.
    for (String file : List.of("vault.header", "vault.db")) {
      Files.copy(other.resolve(file), vault.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }

    assertAsks(without.run("list"));
    assertTrue(agent().isEmpty(), "the session whose key no longer fits was ended");
    assertEquals(0, withPassphrase.run("list").exitCode());
  }

  @Test
  void passwd_whileUnlocked_asksForPassphraseAndEndsSession() {
    assertEquals(0, withPassphrase.run("unlock").exitCode());

    assertAsks(without.withEnv("MEMVAULT_NEW_PASSPHRASE", "a new passphrase: wren").run("passwd"));
    assertTrue(agent().isPresent(), "a refused passwd changes nothing");
    CliRunner.Result changed =
        withPassphrase.withEnv("MEMVAULT_NEW_PASSPHRASE", "a new passphrase: wren").run("passwd");

    assertEquals(0, changed.exitCode(), changed.err());
    assertTrue(agent().isEmpty());
    assertAsks(without.run("list"));
  }

  @Test
  void recover_whileUnlocked_endsSession() {
    assertEquals(0, withPassphrase.run("unlock").exitCode());

    CliRunner.Result recovered =
        without
            .withEnv("MEMVAULT_RECOVERY_KEY", recoveryKey)
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "a new passphrase: wren")
            .run("recover");

    assertEquals(0, recovered.exitCode(), recovered.err());
    assertTrue(agent().isEmpty());
    assertAsks(without.run("list"));
  }

  @Test
  void unlocked_passphraseGiven_passphraseWins() {
    assertEquals(0, withPassphrase.run("unlock").exitCode());

    CliRunner.Result wrong =
        withPassphrase.withEnv("MEMVAULT_PASSPHRASE", "not the passphrase").run("list");

    assertEquals(1, wrong.exitCode());
    assertTrue(wrong.err().startsWith("memvault: wrong passphrase"), wrong.err());
    assertTrue(agent().isPresent(), "the session is still there for commands given nothing");
  }

  @Test
  void unlock_agent_holdsNoPassphraseAndWritesNoKeyFile() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    assertEquals(0, withPassphrase.run("unlock").exitCode());
    ProcessHandle agent = agent().orElseThrow();
    byte[] key;
    try (MemoryVault opened = MemoryVault.open(vault, PASSPHRASE.toCharArray())) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      opened.sessionKey().writeTo(bytes);
      key = bytes.toByteArray();
    }

    assertEquals(
        PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(socket()));
    assertEquals(
        PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(vault));
    byte[] environment = Files.readAllBytes(Path.of("/proc", agent.pid() + "", "environ"));
    byte[] arguments = Files.readAllBytes(Path.of("/proc", agent.pid() + "", "cmdline"));
    byte[] phrase = PASSPHRASE.getBytes(StandardCharsets.UTF_8);
    assertEquals(-1, indexOf(environment, phrase), "the passphrase is not in its environment");
    assertEquals(0, environment.length, "the agent runs with an empty environment");
    assertEquals(-1, indexOf(arguments, phrase));
    assertEquals(-1, indexOf(arguments, key));
    // No heap dump of the key by a tool that attaches to the JVM.
    Process dump =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(agent.pid()),
                "GC.heap_dump",
                temp.resolve("agent.hprof").toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(dump.waitFor(60, TimeUnit.SECONDS), said);
    assertFalse(Files.exists(temp.resolve("agent.hprof")), said);
    assertTrue(said.contains("AttachNotSupportedException"), said);
    // No file written since the unlock, in the vault or the temporary directory, holds the key.
    List<Path> written = new ArrayList<>();
    for (Path root : List.of(vault, Path.of(System.getProperty("java.io.tmpdir")))) {
      written.addAll(filesChangedSince(root, before));
    }
    // The control: the files the unlock command's output went to are among those searched.
    assertTrue(
        written.stream().anyMatch(file -> file.getFileName().toString().startsWith("memvault-out")),
        "the search covers files written meanwhile: " + written);
    for (Path file : written) {
      assertEquals(-1, indexOf(readIfThere(file), key), "key bytes in " + file);
    }
  }

  /** Regular files under {@code root} written at or after {@code since}; vanishing ones skipped. */
  private static List<Path> filesChangedSince(Path root, Instant since) throws IOException {
    FileTime after = FileTime.from(since);
    List<Path> changed = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (attributes.isRegularFile()
                && attributes.lastModifiedTime().compareTo(after) >= 0
                && attributes.size() < 64L * 1024 * 1024
                && Files.isReadable(file)) {
              changed.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            // Another build's temporary files come and go while they are walked.
            return FileVisitResult.CONTINUE;
          }
        });
    return changed;
  }

  private static byte[] readIfThere(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
