package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault status} as a person compares two devices: real processes, a real server over TCP
 * on 127.0.0.1.
 */
class StatusCliTest {
  private static final String PASSPHRASE = "status cli passphrase";

  @TempDir Path temp;

  private ServerProcess server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void status_neverSynced_saysSoAndExitsZero() {
    CliRunner laptop = new CliRunner(temp.resolve("laptop"), PASSPHRASE);
    assertSuccess(laptop.run("init"));
    assertSuccess(laptop.run("add", "--scope", "work", "not synced"));

    CliRunner.Result status = laptop.run("status");

    assertSuccess(status);
    assertTrue(status.out().contains("not synced yet"), status.out());
    assertTrue(status.out().contains("pending    2 local change(s) to push"), status.out());
  }

  @Test
  void status_noVault_oneLineAndExitOne() {
    CliRunner nobody = new CliRunner(temp.resolve("nowhere"), PASSPHRASE);

    CliRunner.Result status = nobody.run("status");

    assertEquals(1, status.exitCode(), status.err());
    assertEquals(1, status.err().strip().lines().count(), status.err());
    assertTrue(status.out().isEmpty(), status.out());
  }

  @Test
  void status_twoDevicesInStep_sameLogLineAndEachOthersCheckpoint() throws Exception {
    server = new ServerProcess(temp.resolve("server-data"), temp);
    String url = server.url();
    CliRunner laptop = new CliRunner(temp.resolve("laptop"), PASSPHRASE);
    assertSuccess(laptop.run("init"));
    assertSuccess(laptop.run("add", "--scope", "work", "the laptop remembers this"));
    assertSuccess(laptop.run("sync", "--server", url));
    CliRunner phone = link(laptop, url);
    assertSuccess(phone.run("add", "--scope", "work", "the phone adds this"));
    assertSuccess(phone.run("sync"));
    // The laptop applies the phone's memory and pushes its checkpoint; each pulls the rest.
    assertSuccess(laptop.run("sync"));
    assertSuccess(phone.run("sync"));
    assertSuccess(laptop.run("sync"));

    String onLaptop = laptop.run("status").out();
    String onPhone = phone.run("status").out();

    assertEquals(line(onLaptop, "log "), line(onPhone, "log "), onLaptop + "\n" + onPhone);
    assertTrue(line(onLaptop, "log ").matches(".*history [0-9a-f]{4}( [0-9a-f]{4}){3}.*"));
    String laptopId = line(onLaptop, "vault ").replaceAll(".*this device ([0-9a-f]{8}).*", "$1");
    String phoneId = line(onPhone, "vault ").replaceAll(".*this device ([0-9a-f]{8}).*", "$1");
    assertTrue(onPhone.contains("  " + laptopId + "               verified position"), onPhone);
    assertTrue(onLaptop.contains("  " + phoneId + "               verified position"), onLaptop);
    assertTrue(onLaptop.contains("0 local change(s) to push, 0 pushed change(s) awaiting"));
    CliRunner.Result json = phone.run("status", "--json");
    assertSuccess(json);
    assertTrue(json.out().startsWith("{\"vault\":"), json.out());
  }

  private CliRunner link(CliRunner laptop, String url) throws Exception {
    CliRunner phone = new CliRunner(temp.resolve("phone"), "phone passphrase");
    File linkLog = temp.resolve("link.err").toFile();
    Process link = laptop.start(linkLog, "device", "link");
    BufferedReader linkOut =
        new BufferedReader(new InputStreamReader(link.getInputStream(), StandardCharsets.UTF_8));
    String code = linkOut.readLine();
    assertSuccess(phone.run("join", "--server", url, "--code", code));
    assertTrue(link.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, link.exitValue(), Files.readString(linkLog.toPath()));
    return phone;
  }

  private static String line(String out, String prefix) {
    return Arrays.stream(out.split("\n"))
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + out));
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), result.err());
  }
}
