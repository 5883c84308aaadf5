package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault scopes rename} and {@code scopes delete} as a person uses them: real processes.
 */
class ScopesCliTest {
  private static final String PASSPHRASE = "scopes cli passphrase";

  @TempDir Path temp;

  private CliRunner vaultWithScopes() {
    CliRunner cli = new CliRunner(temp.resolve("vault"), PASSPHRASE);
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "--scope", "work", "Deploys go out on Tuesdays."));
    assertSuccess(cli.run("add", "--scope", "work", "Standup is at ten."));
    assertSuccess(cli.run("add", "--scope", "home", "The boiler is due in October."));
    return cli;
  }

  @Test
  void scopesRename_listAndSearchShowTheNewName() {
    CliRunner cli = vaultWithScopes();

    CliRunner.Result renamed = cli.run("scopes", "rename", "work", "job");

    assertSuccess(renamed);
    assertEquals("renamed scope 'work' to 'job'", renamed.out().strip());
    CliRunner.Result scopes = cli.run("scopes");
    assertTrue(scopes.out().contains("job"), scopes.out());
    assertFalse(scopes.out().contains("work"), scopes.out());
    CliRunner.Result search = cli.run("search", "--scope", "job", "Tuesdays");
    assertSuccess(search);
    assertTrue(search.out().contains("Deploys go out"), search.out());
  }

  @Test
  void scopesRename_badInput_exitTwoWithOneLineAndNothingChanged() {
    CliRunner cli = vaultWithScopes();

    assertUsageError(cli.run("scopes", "rename", "wrok", "job"), "no scope named 'wrok'");
    assertUsageError(cli.run("scopes", "rename", "work", "home"), "'home' exists");
    assertUsageError(cli.run("scopes", "rename", "work", "Job!"), "is not valid");
    assertUsageError(cli.run("scopes", "rename", "work"), "Missing required parameter");

    CliRunner.Result scopes = cli.run("scopes");
    assertTrue(scopes.out().contains("work") && scopes.out().contains("home"), scopes.out());
    assertFalse(scopes.out().contains("job"), scopes.out());
  }

  @Test
  void scopesDelete_nonEmptyWithoutForce_refusedSayingHowManyAndNothingChanged() {
    CliRunner cli = vaultWithScopes();

    CliRunner.Result refused = cli.run("scopes", "delete", "work");

    assertUsageError(refused, "scope 'work' holds 2 memories");
    assertTrue(refused.err().contains("--force"), refused.err());
    CliRunner.Result list = cli.run("list", "--scope", "work");
    assertEquals(2, list.outLines().size(), list.out());
  }

  @Test
  void scopesDelete_withForce_forgetsItsMemoriesAndLeavesTheListing() {
    CliRunner cli = vaultWithScopes();

    CliRunner.Result deleted = cli.run("scopes", "delete", "work", "--force");

    assertSuccess(deleted);
    assertEquals("deleted scope 'work' and forgot 2 memories", deleted.out().strip());
    CliRunner.Result scopes = cli.run("scopes");
    assertFalse(scopes.out().contains("work"), scopes.out());
    assertTrue(scopes.out().contains("home"), scopes.out());
    CliRunner.Result search = cli.run("search", "Tuesdays");
    assertFalse(search.out().contains("Deploys"), search.out());
    assertUsageError(cli.run("scopes", "delete", "nowhere"), "no scope named 'nowhere'");
  }

  private static void assertUsageError(CliRunner.Result result, String says) {
    assertEquals(2, result.exitCode(), result.out() + result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertTrue(result.err().contains(says), result.err());
    assertFalse(result.err().contains("Exception"), result.err());
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), result.out() + result.err());
  }
}
