package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault import claude} with memories and projects, {@code import gemini} and {@code
 * import grok}, driven as a person would, on the fixtures that client-sdk's tests use
 * (client-sdk/src/test/resources/provider).
 */
class ImportAssistantsCliTest {
  private static final Path FIXTURES =
      Path.of("..", "client-sdk", "src", "test", "resources", "provider")
          .toAbsolutePath()
          .normalize();
  private static final Path CLAUDE_FULL =
      FIXTURES.resolve("claude-with-memories/claude-export.zip");
  private static final Path GEMINI_ZIP = FIXTURES.resolve("gemini/takeout.zip");
  private static final Path GEMINI_JSON = FIXTURES.resolve("gemini/MyActivity.json");
  private static final Path GROK_ZIP = FIXTURES.resolve("grok/grok-export.zip");
  private static final Path GROK_JSON = FIXTURES.resolve("grok/prod-grok-backend.json");

  @TempDir Path temp;

  private CliRunner newVault(String name) {
    CliRunner cli = new CliRunner(temp.resolve(name), "correct horse battery");
    assertSuccess(cli.run("init"));
    return cli;
  }

  @Test
  void claudeExportWithMemories_contextTrip_showsWhatClaudeRemembered() {
    CliRunner cli = newVault("claude");

    CliRunner.Result imported = cli.run("import", "claude", CLAUDE_FULL.toString());

    assertSuccess(imported);
    assertEquals(
        "Imported the Claude export "
            + CLAUDE_FULL
            + " into scope 'chats':\n"
            + "  conversations: 2 read, 2 new, 0 updated, 0 already present, 0 failed\n"
            + "  messages:      6 added, 0 already present\n"
            + "  projects:      1 read\n"
            + "  instructions:  1 added\n"
            + "  memories:      9 added, 0 updated, 0 already present (facts, preferences and"
            + " notes)\n",
        imported.importSummary());

    CliRunner.Result context = cli.run("context", "trip");
    assertSuccess(context);
    assertTrue(
        context.out().contains("- The user is vegetarian and allergic to peanuts. (claude, "),
        context.out());
    assertTrue(context.out().contains("Planning a trip to Zurich in July"), context.out());

    CliRunner.Result again = cli.run("import", "claude", CLAUDE_FULL.toString());
    assertSuccess(again);
    assertTrue(again.out().contains("0 added, 0 updated, 10 already present"), again.out());
  }

  @Test
  void looseMemoriesJson_printsOnlyWhatItHolds() {
    CliRunner cli = newVault("memories");
    Path memories = FIXTURES.resolve("claude-with-memories/memories.json");

    CliRunner.Result imported = cli.run("import", "claude", memories.toString());

    assertSuccess(imported);
    assertEquals(
        "Imported the Claude export "
            + memories
            + " into scope 'chats':\n"
            + "  memories:      7 added, 0 updated, 0 already present (facts, preferences and"
            + " notes)\n",
        imported.importSummary());
  }

  @Test
  void gemini_importsTheTakeout_andAgainAddsNothing() {
    CliRunner cli = newVault("gemini");

    CliRunner.Result first = cli.run("import", "gemini", GEMINI_ZIP.toString());
    assertSuccess(first);
    assertEquals(
        "Imported the Gemini export "
            + GEMINI_ZIP
            + " into scope 'chats':\n"
            + "  conversations: 3 read, 3 new, 0 updated, 0 already present, 0 failed\n"
            + "  messages:      8 added, 0 already present\n",
        first.importSummary());

    CliRunner.Result again = cli.run("import", "gemini", GEMINI_JSON.toString());
    assertSuccess(again);
    assertTrue(again.out().contains("3 read, 0 new, 0 updated, 3 already present"), again.out());

    CliRunner.Result search = cli.run("search", "restic");
    assertSuccess(search);
    assertFalse(search.out().isBlank(), search.out());
  }

  @Test
  void grok_importsBranchesAndTheProjectsPersonality() {
    CliRunner cli = newVault("grok");

    CliRunner.Result first = cli.run("import", "grok", GROK_ZIP.toString(), "--scope", "grok");
    assertSuccess(first);
    assertEquals(
        "Imported the Grok export "
            + GROK_ZIP
            + " into scope 'grok':\n"
            + "  conversations: 2 read, 2 new, 0 updated, 0 already present, 0 failed\n"
            + "  messages:      6 added, 0 already present\n"
            + "  branches:      1 message kept off the thread shown (edited prompts, regenerated"
            + " answers)\n"
            + "  skipped:       1 image (no text to keep; the vault holds at most their names)\n"
            + "  projects:      1 read\n"
            + "  instructions:  1 added\n",
        first.importSummary());

    CliRunner.Result again = cli.run("import", "grok", GROK_JSON.toString(), "--scope", "grok");
    assertSuccess(again);
    assertTrue(again.out().contains("2 read, 0 new, 0 updated, 2 already present"), again.out());
  }

  @Test
  void takeoutOfAnotherProduct_failsWithOneLine_andTheVaultIsUnchanged() throws IOException {
    CliRunner cli = newVault("search");
    String before = cli.run("list").out();
    Path zip = temp.resolve("takeout-search.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("Takeout/My Activity/Search/MyActivity.json"));
      out.write("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    CliRunner.Result result = cli.run("import", "gemini", zip.toString());

    assertEquals(1, result.exitCode());
    assertEquals("", result.out());
    assertEquals(
        "memvault: "
            + zip
            + " holds the activity of Search, not of Gemini Apps; in Google Takeout, choose My"
            + " Activity and, under its activity records, Gemini Apps\n",
        result.err());
    assertEquals(before, cli.run("list").out());
  }

  @Test
  void truncatedOrEmptyExports_failWithOneLine_andTheVaultIsUnchanged() throws IOException {
    CliRunner cli = newVault("broken");
    String before = cli.run("list").out();
    Path cutGemini = temp.resolve("MyActivity.json");
    byte[] gemini = Files.readAllBytes(GEMINI_JSON);
    Files.write(cutGemini, Arrays.copyOf(gemini, gemini.length - 300));
    Path cutGrok = temp.resolve("prod-grok-backend.json");
    Files.write(cutGrok, Arrays.copyOf(Files.readAllBytes(GROK_JSON), 600));
    Path empty = temp.resolve("empty.json");
    Files.writeString(empty, "");

    CliRunner.Result geminiCut = cli.run("import", "gemini", cutGemini.toString());
    CliRunner.Result grokCut = cli.run("import", "grok", cutGrok.toString());
    CliRunner.Result grokEmpty = cli.run("import", "grok", empty.toString());

    for (CliRunner.Result result : new CliRunner.Result[] {geminiCut, grokCut, grokEmpty}) {
      assertEquals(1, result.exitCode(), result.err());
      assertEquals(1, result.err().lines().count(), result.err());
    }
    assertTrue(
        geminiCut.err().startsWith("memvault: " + cutGemini + " ends unexpectedly at byte "),
        geminiCut.err());
    assertTrue(geminiCut.err().contains("in entry 4: the file is truncated"), geminiCut.err());
    assertEquals("", geminiCut.out());
    assertTrue(grokCut.err().contains("ends unexpectedly at byte 600"), grokCut.err());
    assertEquals(
        "memvault: " + empty + " is empty; expected a Grok data export\n", grokEmpty.err());
    assertEquals(before, cli.run("list").out());
  }

  @Test
  void helpNamesWhereToGetEachExport() {
    CliRunner cli = new CliRunner(temp.resolve("none"), "correct horse battery");
    CliRunner.Result gemini = cli.run("import", "gemini", "--help");
    assertSuccess(gemini);
    assertTrue(gemini.out().contains("takeout.google.com"), gemini.out());
    assertTrue(gemini.out().contains("--scope"), gemini.out());
    CliRunner.Result grok = cli.run("import", "grok", "-h");
    assertSuccess(grok);
    assertTrue(grok.out().contains("accounts.x.ai"), grok.out());
    CliRunner.Result claude = cli.run("import", "claude", "--help");
    assertTrue(claude.out().contains("memories.json"), claude.out());
    CliRunner.Result list = cli.run("import", "--help");
    assertTrue(list.out().contains("gemini") && list.out().contains("grok"), list.out());
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), result.err() + result.out());
  }
}
