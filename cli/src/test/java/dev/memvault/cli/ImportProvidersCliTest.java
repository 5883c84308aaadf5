package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault import chatgpt} and {@code import claude}, driven as a person would, on the
 * fixtures that client-sdk's tests use (client-sdk/src/test/resources/provider).
 */
class ImportProvidersCliTest {
  private static final Path FIXTURES =
      Path.of("..", "client-sdk", "src", "test", "resources", "provider")
          .toAbsolutePath()
          .normalize();
  private static final Path CHATGPT_ZIP = FIXTURES.resolve("chatgpt/chatgpt-export.zip");
  private static final Path CHATGPT_JSON = FIXTURES.resolve("chatgpt/conversations.json");
  private static final Path CLAUDE_JSON = FIXTURES.resolve("claude/conversations.json");

  @TempDir static Path temp;
  private static CliRunner cli;

  @BeforeAll
  static void initVault() {
    cli = new CliRunner(temp.resolve("vault"), "correct horse battery");
    assertSuccess(cli.run("init"));
  }

  @Test
  void importChatGpt_printsTheSummary_andAgainAddsNothing() {
    CliRunner.Result first = cli.run("import", "chatgpt", CHATGPT_ZIP.toString());
    assertSuccess(first);
    assertEquals(
        "Imported the ChatGPT export "
            + CHATGPT_ZIP
            + " into scope 'chats':\n"
            + "  conversations: 3 read, 3 new, 0 updated, 0 already present, 0 failed\n"
            + "  messages:      12 added, 0 already present\n"
            + "  branches:      2 messages kept off the thread shown (edited prompts, regenerated"
            + " answers)\n"
            + "  skipped:       1 image (no text to keep; the vault holds at most their names)\n",
        first.importSummary());

    CliRunner.Result again = cli.run("import", "chatgpt", CHATGPT_JSON.toString());
    assertSuccess(again);
    assertTrue(
        again.out().contains("3 read, 0 new, 0 updated, 3 already present, 0 failed"), again.out());
    assertTrue(again.out().contains("0 added, 12 already present"), again.out());

    CliRunner.Result search = cli.run("search", "--json", "feijoada");
    assertSuccess(search);
    assertEquals(1, search.outLines().size(), search.out());
    assertTrue(search.out().contains("\"title\":\"Planning a trip to Lisbon\""), search.out());
  }

  @Test
  void importClaude_intoAScope_isSearchable() {
    CliRunner.Result imported =
        cli.run("import", "claude", CLAUDE_JSON.toString(), "--scope", "work-chats");
    assertSuccess(imported);
    assertTrue(imported.out().contains("into scope 'work-chats'"), imported.out());
    assertTrue(imported.out().contains("2 read, 2 new"), imported.out());
    assertTrue(imported.out().contains("6 added"), imported.out());

    CliRunner.Result search = cli.run("search", "--scope", "work-chats", "erdnusse");
    assertSuccess(search);
    assertEquals(1, search.outLines().size(), search.out());
    assertTrue(search.out().contains("work-chats"), search.out());

    // An attachment's text is found, and shown with the message that carried it.
    CliRunner.Result setting = cli.run("search", "--scope", "work-chats", "PIHOLE_DNS_1");
    assertSuccess(setting);
    assertEquals(1, setting.outLines().size(), setting.out());
    assertTrue(setting.out().contains("pihole.conf PIHOLE_DNS_1"), setting.out());
    String conversation = setting.outLines().get(0).split("\\s+")[0];
    CliRunner.Result shown = cli.run("show", conversation);
    assertSuccess(shown);
    assertTrue(shown.out().contains("(attachment pihole.conf) PIHOLE_DNS_1=9.9.9.9"), shown.out());
  }

  @Test
  void importChatGpt_codeBlock_searchableAndShownFenced() {
    CliRunner code = new CliRunner(temp.resolve("code"), "correct horse battery");
    assertSuccess(code.run("init"));
    assertSuccess(code.run("import", "chatgpt", CHATGPT_JSON.toString()));

    CliRunner.Result search = code.run("search", "DictReader");
    assertSuccess(search);
    assertEquals(1, search.outLines().size(), search.out());
    String conversation = search.outLines().get(0).split("\\s+")[0];
    CliRunner.Result shown = code.run("show", conversation);
    assertSuccess(shown);
    assertTrue(shown.out().contains("```python\n"), shown.out());
    assertTrue(shown.out().contains("rows = list(csv.DictReader(f))"), shown.out());
  }

  @Test
  void badConversation_isListed_andTheRestImports() throws IOException {
    String text = Files.readString(CHATGPT_JSON);
    Path file = temp.resolve("one-bad.json");
    Files.writeString(
        file,
        text.replace("\"id\": \"6a1f0c2e", "\"id\": \"bad-6a1f0c2e")
            .replace("\"id\": \"m", "\"id\": \"bad-m")
            .replace("\"current_node\": \"t4\"", "\"current_node\": \"t9\""));

    CliRunner.Result result = cli.run("import", "chatgpt", file.toString(), "--scope", "partial");

    assertSuccess(result);
    assertTrue(
        result
            .out()
            .contains("  conversations: 3 read, 2 new, 0 updated, 0 already present, 1 failed\n"),
        result.out());
    assertTrue(
        result.out().contains("  messages:      8 added, 0 already present\n"), result.out());
    assertTrue(
        result
            .out()
            .contains(
                "  conversation 3 (id bad-6a1f0c2e-0003-4c3b-9d1e-aaaaaaaaaaa3): current_node 't9'"
                    + " is not in mapping\n"),
        result.out());
  }

  @Test
  void notJson_failsWithOneLine() throws IOException {
    Path file = temp.resolve("notes.txt");
    Files.writeString(file, "not an export\n");

    CliRunner.Result result = cli.run("import", "chatgpt", file.toString());

    assertEquals(1, result.exitCode());
    assertEquals("", result.out());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(
        result
            .err()
            .startsWith("memvault: " + file + " is not a ChatGPT data export: it is not JSON"),
        result.err());
  }

  @Test
  void truncatedExport_failsWithOneLine_afterSayingWhatWasKept() throws IOException {
    Path file = temp.resolve("cut.json");
    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(CLAUDE_JSON), 3000));

    CliRunner.Result result = cli.run("import", "claude", file.toString(), "--scope", "cut");

    assertEquals(1, result.exitCode());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(result.err().contains("ends unexpectedly at byte 3000"), result.err());
    assertTrue(result.err().contains("in conversation 2"), result.err());
    assertTrue(result.out().startsWith("Stopped reading the Claude export"), result.out());
    // The first conversation was kept (or was there already, from another test).
    assertTrue(result.out().contains("  conversations: 1 read, "), result.out());
  }

  @Test
  void zipWithoutConversations_orMissingFile_failWithOneLine() throws IOException {
    Path zip = temp.resolve("empty.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("users.json"));
      out.write("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    CliRunner.Result noConversations = cli.run("import", "claude", zip.toString());
    assertEquals(1, noConversations.exitCode());
    assertEquals(
        "memvault: " + zip + " holds no conversations.json; is it a Claude data export?\n",
        noConversations.err());

    Path missing = temp.resolve("missing.zip");
    CliRunner.Result notThere = cli.run("import", "claude", missing.toString());
    assertEquals(1, notThere.exitCode());
    assertEquals("memvault: no file " + missing + "\n", notThere.err());
  }

  @Test
  void everyConversationFailing_exitsOne() throws IOException {
    Path file = temp.resolve("all-bad.json");
    Files.writeString(file, "[{\"title\": \"no id\"}, {\"id\": \"x\", \"title\": \"no mapping\"}]");

    CliRunner.Result result = cli.run("import", "chatgpt", file.toString());

    assertEquals(1, result.exitCode());
    assertTrue(result.out().contains("conversation 1: has no id"), result.out());
    assertTrue(result.out().contains("conversation 2 (id x): has no 'mapping'"), result.out());
    assertEquals(
        "memvault: none of the 2 conversations in "
            + file
            + " could be imported; the reasons are listed above\n",
        result.err());
  }

  @Test
  void helpAndUsage() {
    CliRunner.Result help = cli.run("import", "chatgpt", "--help");
    assertSuccess(help);
    assertTrue(help.out().contains("Settings > Data controls > Export data"), help.out());
    assertTrue(help.out().contains("--scope"), help.out());
    assertTrue(
        cli.run("import", "claude", "-h").out().contains("Settings > Privacy > Export data"));

    CliRunner.Result missingPath = cli.run("import", "claude");
    assertEquals(2, missingPath.exitCode());
    assertTrue(
        missingPath.err().startsWith("memvault: Missing required parameter"), missingPath.err());
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), result.err() + result.out());
  }
}
