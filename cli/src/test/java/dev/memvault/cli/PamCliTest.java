package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault export pam} and {@code memvault import pam} through the real CLI in child
 * processes: a vault's memories go to a PAM export and into a new vault unchanged, a second import
 * adds nothing, and a damaged export is refused with one line and exit status 1.
 */
class PamCliTest {
  private static final String PASSPHRASE = "pam cli passphrase";

  @TempDir Path temp;

  @Test
  void exportThenImport_intoNewVault_listPrintsTheSame() throws IOException {
    CliRunner one = new CliRunner(temp.resolve("one"), PASSPHRASE);
    CliRunner two = new CliRunner(temp.resolve("two"), PASSPHRASE);
    assertSuccess(one.run("init"));
    assertSuccess(
        one.run("add", "--scope", "health", "--kind", "fact", "--tag", "Diet", "Is vegetarian."));
    assertSuccess(
        one.run(
            "add", "--scope", "work", "--kind", "preference", "--attr", "k=v", "Metric units."));
    assertSuccess(one.run("add", "--scope", "work", "--kind", "note", "Lisbon in May."));
    Path export = temp.resolve("export");

    CliRunner.Result exported = one.run("export", "pam", "-o", export.toString());

    assertSuccess(exported);
    assertEquals(
        "Exported 3 memories, 0 conversations (0 messages) as PAM to "
            + export
            + ". It is not encrypted: keep it safe.\n",
        exported.out());
    assertTrue(Files.isRegularFile(export.resolve("memory-store.json")));
    assertFailure(one.run("export", "pam", "-o", export.toString()), 1, "already exists");

    assertSuccess(two.run("init"));
    CliRunner.Result imported = two.run("import", "pam", export.toString());
    assertSuccess(imported);
    assertEquals(
        "Imported the PAM export "
            + export
            + ":\n  memories:      3 read, 3 new, 0 already present\n",
        imported.out());
    CliRunner.Result again =
        two.run("import", "pam", export.resolve("memory-store.json").toString());
    assertSuccess(again);
    assertTrue(again.out().contains("3 read, 0 new, 3 already present"), again.out());
    assertEquals(output(one, "list", "--json"), output(two, "list", "--json"));
  }

  @Test
  void importPam_damagedExports_oneLineExitOneVaultUnchanged() throws IOException {
    CliRunner cli = new CliRunner(temp.resolve("vault"), PASSPHRASE);
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "Already here."));
    String before = output(cli, "list", "--json");
    Path export = Files.createDirectories(temp.resolve("export"));
    Path store = export.resolve("memory-store.json");

    Files.writeString(store, "");
    assertFailure(
        cli.run("import", "pam", export.toString()), 1, "is empty: it is not a PAM export");
    Files.writeString(
        store, "{\"schema\": \"portable-ai-memory\", \"schema_version\": \"1.0\", \"own");
    assertFailure(cli.run("import", "pam", export.toString()), 1, "it was cut short");
    Files.writeString(
        store,
        "{\"schema\": \"portable-ai-memory\", \"schema_version\": \"2.0\", \"owner\": {\"id\": \"o\"},"
            + " \"memories\": []}");
    assertFailure(cli.run("import", "pam", export.toString()), 1, "is PAM version 2.0");
    Files.writeString(
        store,
        "{\"schema\": \"portable-ai-memory\", \"schema_version\": \"1.0\", \"owner\": {\"id\": \"o\"},"
            + " \"memories\": [{\"id\": \"m\", \"type\": \"fact\", \"content\": \"Is vegetarian.\","
            + " \"content_hash\": \"sha256:"
            + "0".repeat(64)
            + "\", \"temporal\": {\"created_at\": \"2026-01-01T00:00:00Z\"},"
            + " \"provenance\": {\"platform\": \"manual\"}}]}");
    assertFailure(
        cli.run("import", "pam", export.toString()), 1, "the file was altered or damaged");
    assertFailure(
        cli.run("import", "pam", temp.resolve("missing").toString()), 1, "no file or directory");

    assertEquals(before, output(cli, "list", "--json"), "the vault is unchanged");
  }

  @Test
  void help_importAndExport_listAndDescribePam() {
    CliRunner cli = new CliRunner(temp.resolve("vault"), PASSPHRASE);

    assertTrue(output(cli, "import", "--help").contains("  pam "));
    assertTrue(output(cli, "export", "--help").contains("  pam "));
    String importHelp = output(cli, "import", "pam", "--help");
    assertTrue(importHelp.contains("Portable AI Memory (PAM v1.x)"), importHelp);
    assertTrue(importHelp.contains("Exit status: 0 when the export was read"), importHelp);
    String exportHelp = output(cli, "export", "pam", "--help");
    assertTrue(exportHelp.contains("The export is NOT encrypted"), exportHelp);
  }

  private static String output(CliRunner cli, String... args) {
    CliRunner.Result result = cli.run(args);
    assertSuccess(result);
    return result.out();
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), "stdout: " + result.out() + "\nstderr: " + result.err());
  }

  private static void assertFailure(CliRunner.Result result, int code, String message) {
    assertEquals(code, result.exitCode(), result.err());
    assertTrue(result.err().contains(message), result.err());
    assertEquals(1, result.err().strip().lines().count(), "one line: " + result.err());
    assertFalse(result.err().contains("Exception"), "no stack trace: " + result.err());
  }
}
