package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants as a person and a provider run them, every command a real process over TCP on 127.0.0.1:
 * {@code memvault server}, a laptop that grants {@code work} to a provider, the provider's search,
 * and the revocation that ends it.
 */
class GrantCliTest {
  private static final String PASSPHRASE = "grant cli passphrase";

  @TempDir Path temp;

  private ServerProcess server;
  private CliRunner laptop;
  private CliRunner provider;
  private Path key;
  private Path publicKey;
  private String workId;
  private String healthId;

  @BeforeEach
  void laptopAndProvider() throws Exception {
    server = new ServerProcess(temp.resolve("server-data"), temp);
    laptop = new CliRunner(temp.resolve("laptop"), PASSPHRASE);
    assertEquals(0, laptop.run("init").exitCode());
    workId = laptop.run("add", "--scope", "work", "prefers tabs in Go").out().strip();
    healthId = laptop.run("add", "--scope", "health", "allergic to peanuts").out().strip();
    assertEquals(0, laptop.run("sync", "--server", server.url()).exitCode());
    provider = new CliRunner(temp.resolve("no-vault"), "unused");
    key = temp.resolve("acme.key");
    publicKey = temp.resolve("acme.pub");
    CliRunner.Result keygen = provider.run("provider", "keygen", "--out", key.toString());
    assertEquals(0, keygen.exitCode(), keygen.err());
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.close();
  }

  private String grantWork() {
    CliRunner.Result created =
        laptop.run(
            "grant",
            "create",
            "--name",
            "acme",
            "--provider-key",
            publicKey.toString(),
            "--scope",
            "work",
            "--expires",
            "30d");
    assertEquals(0, created.exitCode(), created.err());
    String grant = created.outLines().get(0);
    assertTrue(grant.matches("mvg1\\.[A-Za-z0-9_-]+"), grant);
    return grant;
  }

  private CliRunner.Result providerSearch(String grant, String... query) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "provider",
                "search",
                "--key",
                key.toString(),
                "--server",
                server.url(),
                "--grant",
                grant,
                "--json"));
    args.addAll(List.of(query));
    return provider.run(args.toArray(String[]::new));
  }

  @Test
  void grant_workToAProvider_itSearchesWorkOnlyUntilRevoked() throws Exception {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    String grant = grantWork();

    CliRunner.Result tabs = providerSearch(grant, "tabs");
    CliRunner.Result peanuts = providerSearch(grant, "peanuts");
    CliRunner.Result listed = laptop.run("grants", "--json");

    assertEquals(0, tabs.exitCode(), tabs.err());
    assertEquals(1, tabs.outLines().size(), tabs.out());
    assertTrue(tabs.out().contains(workId), tabs.out());
    assertEquals(0, peanuts.exitCode(), peanuts.err());
    assertEquals("", peanuts.out());
    assertFalse(tabs.out().contains(healthId) || peanuts.err().contains(healthId));
    assertTrue(listed.out().contains("\"state\":\"active\""), listed.out());
    assertTrue(listed.out().contains("\"reads\":2"), listed.out());

    CliRunner.Result revoked = laptop.run("grant", "revoke", "acme");
    CliRunner.Result refused = providerSearch(grant, "tabs");

    assertEquals(0, revoked.exitCode(), revoked.err());
    assertTrue(revoked.out().contains("cannot be unread"), revoked.out());
    assertEquals(1, refused.exitCode());
    assertEquals(
        "memvault: this grant was revoked or has expired; ask the person for a new one",
        refused.err().strip());
    assertEquals("", refused.out());
  }

  @Test
  void badInput_oneLineEachAndNothingChanged() throws Exception {
    String grant = grantWork();
    String secretBefore = Files.readString(key);

    assertOneLine(provider.run("provider", "keygen", "--out", key.toString()), 1, "exists");
    assertEquals(secretBefore, Files.readString(key));
    assertOneLine(
        laptop.run(
            "grant", "create", "--name", "x", "--provider-key", key.toString(), "--scope", "work"),
        1,
        "not a memvault provider public key");
    assertOneLine(
        laptop.run(
            "grant",
            "create",
            "--name",
            "x",
            "--provider-key",
            publicKey.toString(),
            "--scope",
            "nosuch"),
        1,
        "no scope named 'nosuch'");
    assertOneLine(
        laptop.run(
            "grant",
            "create",
            "--name",
            "x",
            "--provider-key",
            publicKey.toString(),
            "--scope",
            "work",
            "--expires",
            "soon"),
        2,
        "neither a span");
    assertOneLine(
        laptop.run(
            "grant",
            "create",
            "--name",
            "acme",
            "--provider-key",
            publicKey.toString(),
            "--scope",
            "work"),
        1,
        "already called 'acme'");
    assertOneLine(laptop.run("grant", "revoke", "nobody"), 1, "no grant called 'nobody'");
    assertOneLine(providerSearch("mvg1.garbage", "tabs"), 1, "is not a grant");
    Path swapped = temp.resolve("swapped.key");
    Files.copy(publicKey, swapped);
    assertOneLine(
        provider.run(
            "provider",
            "search",
            "--key",
            swapped.toString(),
            "--server",
            server.url(),
            "--grant",
            grant,
            "tabs"),
        1,
        "not a memvault provider key");

    List<String> grants = laptop.run("grants").outLines();
    assertEquals(1, grants.size(), String.join("\n", grants));
    assertTrue(grants.get(0).contains(" active "), grants.get(0));
  }

  private static void assertOneLine(CliRunner.Result result, int exitCode, String contains) {
    assertEquals(exitCode, result.exitCode(), result.err());
    List<String> lines = result.err().strip().lines().toList();
    assertEquals(1, lines.size(), result.err());
    assertTrue(lines.get(0).startsWith("memvault: "), lines.get(0));
    assertTrue(lines.get(0).contains(contains), lines.get(0));
  }
}
