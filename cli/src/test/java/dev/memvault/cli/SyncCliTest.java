package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole sync story as a person runs it, every command a real process over TCP on 127.0.0.1:
 * {@code memvault server}, then a laptop, a phone linked to it, sync both ways, a watch, a
 * revocation, and a replacement laptop that joins with the recovery key.
 */
class SyncCliTest {
  private static final String PASSPHRASE = "sync cli passphrase";

  @TempDir Path temp;

  private ServerProcess server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void sync_laptopPhoneAndRecoveredLaptop_linkSyncWatchRevokeAndRecoveryJoin() throws Exception {
    Path data = temp.resolve("server-data");
    server = new ServerProcess(data, temp);
    String url = server.url();

    CliRunner laptop = new CliRunner(temp.resolve("laptop"), PASSPHRASE);
    CliRunner.Result init = laptop.run("init");
    assertSuccess(init);
    String recoveryKey = CliRunner.recoveryKey(init.out());
    assertSuccess(laptop.run("add", "--scope", "work", "the laptop remembers this"));
    CliRunner.Result first = laptop.run("sync", "--server", url);
    assertSuccess(first);
    assertTrue(first.out().startsWith("pushed 2 change(s)"), first.out());

    // A copy restored from a backup is a new device: the server does not know it.
    Path backup = temp.resolve("laptop.mvbackup");
    assertSuccess(laptop.run("backup", "-o", backup.toString()));
    CliRunner copy = new CliRunner(temp.resolve("copy"), PASSPHRASE);
    assertSuccess(copy.run("restore", backup.toString()));
    CliRunner.Result unlinked = copy.run("sync", "--server", url);
    assertEquals(1, unlinked.exitCode());
    assertTrue(unlinked.err().contains("memvault device link"), unlinked.err());

    // Linking: the laptop shows a code and waits; the phone joins with it.
    CliRunner phone = new CliRunner(temp.resolve("phone"), "phone passphrase");
    File linkLog = temp.resolve("link.err").toFile();
    Process link = laptop.start(linkLog, "device", "link");
    BufferedReader linkOut =
        new BufferedReader(new InputStreamReader(link.getInputStream(), StandardCharsets.UTF_8));
    String code = linkOut.readLine();
    assertTrue(code != null && code.matches("[0-9A-Z]{4}(-[0-9A-Z]{4}){7}"), "code: " + code);
    CliRunner.Result joined = phone.run("join", "--server", url, "--code", code);
    assertSuccess(joined);
    assertTrue(joined.out().contains("pulled 2 change(s)"), joined.out());
    assertTrue(link.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, link.exitValue(), Files.readString(linkLog.toPath()));
    assertTrue(linkOut.readLine().startsWith("linked device "));

    assertTrue(phone.run("list").out().contains("the laptop remembers this"));
    assertSuccess(phone.run("add", "--scope", "work", "the phone adds this"));
    assertSuccess(phone.run("sync"));
    CliRunner.Result laptopSync = laptop.run("sync");
    assertSuccess(laptopSync);
    assertTrue(laptopSync.out().contains("(1 memory revision(s)"), laptopSync.out());
    assertEquals(
        sortedLines(laptop.run("list", "--json").out()),
        sortedLines(phone.run("list", "--json").out()));
    List<String> devices = laptop.run("devices").outLines();
    assertEquals(2, devices.size(), String.join("\n", devices));
    assertTrue(devices.get(0).endsWith("(this device)"), devices.get(0));
    String phoneId = devices.get(1).substring(0, 32);

    // Watch: the laptop stays connected and applies what the phone writes.
    File watchLog = temp.resolve("watch.err").toFile();
    Process watch = laptop.start(watchLog, "sync", "--watch");
    try {
      BufferedReader watchOut =
          new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
      assertSuccess(phone.run("add", "--scope", "work", "seen live by the watching laptop"));
      assertSuccess(phone.run("sync"));
      String line;
      do {
        line = watchOut.readLine();
      } while (line != null && !line.contains("(1 memory revision(s)"));
      assertTrue(line != null, "the watch ended: " + Files.readString(watchLog.toPath()));
    } finally {
      watch.destroy();
      watch.waitFor(30, TimeUnit.SECONDS);
    }

    // Revocation: the phone is refused from now on.
    CliRunner.Result revoked = laptop.run("device", "revoke", phoneId);
    assertSuccess(revoked);
    CliRunner.Result refused = phone.run("sync");
    assertEquals(1, refused.exitCode());
    assertTrue(refused.err().contains("revoked"), refused.err());
    assertTrue(laptop.run("devices").out().contains(phoneId + "  revoked"));

    // The laptop is lost too: a new machine joins with the recovery key alone.
    CliRunner replacement =
        new CliRunner(temp.resolve("replacement"), "replacement passphrase")
            .withEnv("MEMVAULT_RECOVERY_KEY", recoveryKey);
    CliRunner.Result recovered = replacement.run("join", "--server", url, "--recovery");
    assertSuccess(recovered);
    String list = replacement.run("list").out();
    assertTrue(
        list.contains("the laptop remembers this") && list.contains("the phone adds this"), list);

    // What the server stored holds none of the texts.
    for (String text : List.of("the laptop remembers this", "the phone adds this", "work")) {
      assertFalse(serverFilesContain(data, text), "server storage contains '" + text + "'");
    }
  }

  @Test
  void sync_startOverOnAnotherServer_phoneRefusedUntilItFollowsThenHoldsTheLaptopsVault()
      throws Exception {
    server = new ServerProcess(temp.resolve("server-data"), temp);
    CliRunner laptop = new CliRunner(temp.resolve("laptop"), PASSPHRASE);
    assertSuccess(laptop.run("init"));
    assertSuccess(laptop.run("add", "--scope", "work", "the laptop's account of things"));
    assertSuccess(laptop.run("sync", "--server", server.url()));
    CliRunner phone = new CliRunner(temp.resolve("phone"), "phone passphrase");
    File linkLog = temp.resolve("link.err").toFile();
    Process link = laptop.start(linkLog, "device", "link");
    BufferedReader linkOut =
        new BufferedReader(new InputStreamReader(link.getInputStream(), StandardCharsets.UTF_8));
    assertSuccess(phone.run("join", "--server", server.url(), "--code", linkOut.readLine()));
    assertTrue(link.waitFor(60, TimeUnit.SECONDS));
    assertSuccess(phone.run("add", "--scope", "work", "the phone's own note"));

    try (ServerProcess fresh = new ServerProcess(temp.resolve("fresh-data"), temp)) {
      CliRunner.Result noServer = laptop.run("sync", "--start-over");
      assertEquals(2, noServer.exitCode(), noServer.err());
      assertEquals(1, noServer.err().lines().count(), noServer.err());
      assertTrue(noServer.err().contains("--server URL"), noServer.err());

      CliRunner.Result started = laptop.run("sync", "--server", fresh.url(), "--start-over");
      assertSuccess(started);
      assertTrue(
          started.out().contains("memvault sync --server " + fresh.url() + " --follow-new-log"),
          started.out());

      CliRunner.Result refused = phone.run("sync", "--server", fresh.url());
      assertEquals(1, refused.exitCode());
      assertEquals(1, refused.err().lines().count(), refused.err());
      assertTrue(refused.err().contains("started this vault's log over"), refused.err());
      assertFalse(refused.err().contains("Exception"), refused.err());

      assertSuccess(phone.run("sync", "--server", fresh.url(), "--follow-new-log"));
      assertSuccess(laptop.run("sync"));
      assertEquals(
          List.of("the laptop's account of things", "the phone's own note"),
          sortedTexts(laptop.run("list", "--json").out()));
      assertEquals(
          sortedTexts(laptop.run("list", "--json").out()),
          sortedTexts(phone.run("list", "--json").out()));
    }
  }

  /** The memory texts of {@code list --json} output (a JSON object per line), sorted. */
  private static List<String> sortedTexts(String jsonLines) {
    JsonMapper json = JsonMapper.builder().build();
    List<String> texts = new ArrayList<>();
    for (String line : jsonLines.lines().filter(l -> !l.isBlank()).toList()) {
      texts.add(json.readTree(line).get("text").asString());
    }
    return texts.stream().sorted().toList();
  }

  @Test
  void join_badInput_oneLineErrorsAndNoVault() throws Exception {
    server = new ServerProcess(temp.resolve("server-data"), temp);
    String url = server.url();
    CliRunner phone = new CliRunner(temp.resolve("phone"), PASSPHRASE);

    CliRunner.Result typo = phone.run("join", "--server", url, "--code", "ABCD-EFGH");
    assertEquals(1, typo.exitCode());
    assertTrue(typo.err().contains("32 characters"), typo.err());
    CliRunner.Result unknown =
        phone.run("join", "--server", url, "--code", "0000-0000-0000-0000-0000-0000-0000-0000");
    assertEquals(1, unknown.exitCode());
    assertTrue(unknown.err().contains("no open pairing"), unknown.err());
    CliRunner.Result both = phone.run("join", "--server", url, "--code", "x", "--recovery");
    assertEquals(2, both.exitCode());
    assertEquals(1, typo.err().lines().count(), typo.err());
    // One progress line, then one error line; never a stack trace.
    assertEquals(2, unknown.err().lines().count(), unknown.err());
    assertFalse(unknown.err().contains("\tat ") || unknown.err().contains("Exception"));
    assertFalse(Files.exists(temp.resolve("phone")));
  }

  @Test
  void sync_vaultFilesPutBackFromAnOlderCopy_noteSaysSoAndTheLaterMemoryComesBack()
      throws Exception {
    server = new ServerProcess(temp.resolve("server-data"), temp);
    String url = server.url();
    Path laptopDir = temp.resolve("laptop");
    CliRunner laptop = new CliRunner(laptopDir, PASSPHRASE);
    assertSuccess(laptop.run("init"));
    assertSuccess(laptop.run("add", "--scope", "work", "before the copy"));
    assertSuccess(laptop.run("sync", "--server", url));
    Path copy = temp.resolve("older-copy");
    Files.createDirectories(copy);
    try (var files = Files.list(laptopDir)) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(file.getFileName()));
      }
    }
    assertSuccess(laptop.run("add", "--scope", "work", "after the copy"));
    assertSuccess(laptop.run("sync"));
    try (var files = Files.list(copy)) {
      for (Path file : files.toList()) {
        Files.copy(
            file,
            laptopDir.resolve(file.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    assertFalse(laptop.run("list").out().contains("after the copy"));

    CliRunner.Result synced = laptop.run("sync");

    assertSuccess(synced);
    assertTrue(
        synced.err().startsWith("note: this vault's files are older than this device's last sync"),
        synced.err());
    assertEquals(1, synced.err().lines().count(), synced.err());
    assertTrue(laptop.run("list").out().contains("after the copy"));
    assertEquals("", laptop.run("sync").err());
  }

  private static boolean serverFilesContain(Path data, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (var files = Files.walk(data)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          for (int j = 0; j < needle.length; j++) {
            if (bytes[i + j] != needle[j]) {
              continue outer;
            }
          }
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> sortedLines(String out) {
    return out.lines().sorted().toList();
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), "stdout: " + result.out() + "\nstderr: " + result.err());
  }
}
