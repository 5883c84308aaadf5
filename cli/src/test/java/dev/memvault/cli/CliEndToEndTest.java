package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Drives the real CLI in child processes, in a temporary --vault, as a person would. */
class CliEndToEndTest {
  private static final String PASSPHRASE = "correct horse battery";
  private static final Pattern RECOVERY_KEY = Pattern.compile("([0-9A-Z]{4}(?:-[0-9A-Z]{4}){13})");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path temp;
  private Path vault;
  private CliRunner cli;

  @BeforeEach
  void setUp() {
    vault = temp.resolve("vault");
    cli = new CliRunner(vault, PASSPHRASE);
  }

  @Test
  void everyday_addSearchListShowUpdateForget_worksAsDocumented() {
    CliRunner.Result init = cli.run("init");
    assertSuccess(init);
    assertTrue(RECOVERY_KEY.matcher(init.out()).find(), init.out());

    CliRunner.Result added =
        cli.run(
            "add", "--scope", "work", "--kind", "preference", "--tag", "diet", "I am vegetarian");
    assertSuccess(added);
    String id = added.out().strip();
    assertTrue(id.matches("[0-9a-f-]{36}"), id);

    CliRunner.Result piped =
        cli.runWithInput("a long note\nabout Lisbon trips\n", "add", "--scope", "personal", "-");
    assertSuccess(piped);
    String noteId = piped.out().strip();

    CliRunner.Result search = cli.run("search", "vegetarian");
    assertSuccess(search);
    assertEquals(1, search.outLines().size(), search.out());
    assertTrue(search.out().startsWith(id), search.out());
    assertTrue(search.out().contains("work") && search.out().contains("preference"));
    // Piped, the snippet is the text as written, so that grep finds it.
    assertTrue(search.out().contains("vegetarian"), search.out());
    assertFalse(search.out().contains("[") || search.out().contains("\u001b"), search.out());

    CliRunner.Result scoped = cli.run("search", "--scope", "work", "--json", "lisbon");
    assertSuccess(scoped);
    assertEquals("", scoped.out(), "lisbon is only in the personal scope");
    JsonNode hit = json(cli.run("search", "--json", "lisbon").out());
    assertEquals(noteId, hit.get("id").asString());
    assertEquals("a long note\nabout Lisbon trips", hit.get("text").asString());

    List<String> listed = cli.run("list", "--json").outLines();
    assertEquals(2, listed.size());
    JsonNode first = json(listed.get(1));
    for (String field :
        List.of("id", "scope", "kind", "text", "tags", "createdAt", "updatedAt", "source")) {
      assertTrue(first.has(field), "list --json lacks " + field + ": " + first);
    }
    assertEquals("diet", first.get("tags").get(0).asString());
    assertTrue(first.get("createdAt").asString().endsWith("Z"));
    // The names and enum spellings of the JSONL export (docs/FORMAT.md section 5).
    assertEquals("PREFERENCE", first.get("kind").asString());
    assertEquals("1", first.get("revision").asString());
    assertEquals(1, cli.run("list", "--tag", "diet").outLines().size());
    assertEquals(1, cli.run("list", "--kind", "note").outLines().size());
    assertEquals(0, cli.run("list", "--since", "2999-01-01").outLines().size());

    assertSuccess(cli.run("update", id, "I am vegan now"));
    List<String> history = cli.run("show", "--history", "--json", id).outLines();
    assertEquals(2, history.size());
    assertEquals("I am vegetarian", json(history.get(0)).get("text").asString());
    assertEquals("I am vegan now", json(history.get(1)).get("text").asString());
    assertTrue(cli.run("show", id).out().contains("I am vegan now"));

    CliRunner.Result scopes = cli.run("scopes", "--json");
    assertEquals(2, scopes.outLines().size(), scopes.out());

    assertSuccess(cli.run("forget", id));
    assertEquals("", cli.run("search", "vegan").out());
    assertEquals(1, cli.run("list").outLines().size());
    CliRunner.Result gone = cli.run("show", id);
    assertFailure(gone, 1, "forgotten");
  }

  @Test
  void init_whereVaultExists_refusesAndChangesNothing() throws IOException {
    assertSuccess(cli.run("init"));
    Map<Path, byte[]> before = snapshot();
    assertFailure(cli.run("init"), 1, "already exists");
    Map<Path, byte[]> after = snapshot();
    assertEquals(before.keySet(), after.keySet());
    before.forEach(
        (path, bytes) ->
            assertTrue(java.util.Arrays.equals(bytes, after.get(path)), path.toString()));
  }

  @Test
  void wrongPassphrase_exitsOneWithOneLine() {
    assertSuccess(cli.run("init"));
    assertFailure(
        cli.withEnv("MEMVAULT_PASSPHRASE", "not it at all").run("list"), 1, "wrong passphrase");
  }

  @Test
  void missingVault_saysHowToMakeOne() {
    assertFailure(cli.run("list"), 1, "memvault init");
  }

  @Test
  void noPassphraseAndNoTerminal_namesTheVariable() {
    assertFailure(cli.withEnv("MEMVAULT_PASSPHRASE", null).run("init"), 1, "MEMVAULT_PASSPHRASE");
  }

  @Test
  void usageErrors_exitTwo() {
    assertFailure(cli.run("list", "--bogus"), 2, "--bogus");
    assertFailure(cli.run("frobnicate"), 2, "frobnicate");
    assertFailure(cli.run("list", "--kind", "poem"), 2, "unknown kind");
    assertFailure(cli.run("list", "--since", "yesterday"), 2, "--since");
  }

  @Test
  void badInput_getsClearMessages() {
    assertSuccess(cli.run("init"));
    assertFailure(cli.run("add", "   "), 1, "empty");
    assertFailure(cli.run("add", "--scope", "Work Stuff", "text"), 1, "scope");
    assertFailure(cli.run("show", "0190aaaa-0000-7000-8000-000000000000"), 1, "no memory");
    assertFailure(cli.run("show", "nonsense"), 1, "no memory");
    assertFailure(cli.run("list", "--scope", "nowhere"), 1, "no scope named 'nowhere'");
  }

  @Test
  void search_takesQueriesAsTyped() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "I block ads with Pi-hole at home"));
    assertSuccess(cli.run("add", "Upstream DNS is 9.9.9.9 (Quad9)"));
    assertTrue(cli.run("search", "Pi-hole").out().contains("Pi"), "Pi-hole");
    assertEquals(1, cli.run("search", "9.9.9.9").outLines().size());
    assertEquals(1, cli.run("search", "\"upstream DNS\"").outLines().size());
    for (String query : List.of("AND", "*", "(", "\"unbalanced", "NEAR(", "a:b", "OR NOT", "-x")) {
      CliRunner.Result result = cli.run("search", query);
      assertTrue(
          result.exitCode() == 0
              || result.err().contains("no words")
              || result.err().contains("only common words"),
          query + ": " + result.err());
      assertFalse(result.err().contains("Exception"), result.err());
    }
  }

  @Test
  void search_wordFormsQuestionsAndTypos_foundOrSuggested() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "Two good restaurants near the harbour"));
    assertSuccess(cli.run("add", "Backups run every night to the NAS"));
    assertSuccess(cli.run("add", "我们明年去黄山看日出"));
    assertSuccess(cli.run("add", "Lisbon trams are lovely"));

    // The JSON snippet marks matches as written, whatever form the query gave.
    assertTrue(cli.run("search", "--json", "restaurant").out().contains("[restaurants]"));
    assertTrue(cli.run("search", "--json", "黄山").out().contains("[黄山]"));
    CliRunner.Result question = cli.run("search", "--json", "what did I say about backups?");
    assertSuccess(question);
    assertTrue(question.out().contains("[Backups]"), question.out());

    CliRunner.Result typo = cli.run("search", "lisbn");
    assertSuccess(typo);
    assertEquals("", typo.out());
    assertEquals(
        List.of("no memories match 'lisbn'", "did you mean: lisbon"),
        typo.err().strip().lines().toList());
    assertFalse(cli.run("search", "lisbon").err().contains("did you mean"));
  }

  @Test
  void search_badQueries_oneLineSayingWhatToDo() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "kept through every bad query"));

    assertFailure(cli.run("search", "what", "is", "it?"), 1, "only common words");
    assertFailure(cli.run("search", "?!"), 1, "no words to look for");
    assertFailure(cli.run("search", "backup ".repeat(6_000).strip()), 1, "at most 2,000");
    CliRunner.Result thai = cli.run("search", "สวัสดี");
    assertSuccess(thai);
    assertEquals("", thai.out());
    assertEquals(1, cli.run("search", "kept").outLines().size());
  }

  @Test
  void passwdAndRecover_changeWhichSecretOpensTheVault() {
    CliRunner.Result init = cli.run("init");
    Matcher key = RECOVERY_KEY.matcher(init.out());
    assertTrue(key.find());
    String recoveryKey = key.group(1);
    assertSuccess(cli.run("add", "kept across passphrase changes"));

    assertSuccess(cli.withEnv("MEMVAULT_NEW_PASSPHRASE", "second passphrase").run("passwd"));
    assertFailure(cli.run("list"), 1, "wrong passphrase");
    CliRunner second = cli.withEnv("MEMVAULT_PASSPHRASE", "second passphrase");
    assertEquals(1, second.run("list").outLines().size());

    CliRunner.Result typo =
        cli.withEnv(
                "MEMVAULT_RECOVERY_KEY",
                recoveryKey.replace(
                    recoveryKey.charAt(0), recoveryKey.charAt(0) == 'A' ? 'B' : 'A'))
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "third passphrase")
            .run("recover");
    assertFailure(typo, 1, "recovery key");

    assertSuccess(
        cli.withEnv("MEMVAULT_RECOVERY_KEY", recoveryKey.toLowerCase())
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "third passphrase")
            .run("recover"));
    assertFailure(second.run("list"), 1, "wrong passphrase");
    CliRunner third = cli.withEnv("MEMVAULT_PASSPHRASE", "third passphrase");
    assertTrue(third.run("search", "passphrase").out().contains("kept across"));
  }

  @Test
  void rekey_printsANewRecoveryKeyAndOnlyItRecovers() {
    CliRunner.Result init = cli.run("init");
    Matcher first = RECOVERY_KEY.matcher(init.out());
    assertTrue(first.find());
    assertSuccess(cli.run("add", "kept across a rekey"));

    assertFailure(
        cli.withEnv("MEMVAULT_PASSPHRASE", "not the passphrase").run("rekey"),
        1,
        "wrong passphrase");
    CliRunner.Result rekey = cli.run("rekey");

    assertSuccess(rekey);
    Matcher second = RECOVERY_KEY.matcher(rekey.out());
    assertTrue(second.find(), rekey.out());
    assertNotEquals(first.group(1), second.group(1));
    assertTrue(rekey.out().contains("does not sync"), rekey.out());
    assertTrue(cli.run("search", "rekey").out().contains("kept across"));
    assertFailure(
        cli.withEnv("MEMVAULT_RECOVERY_KEY", first.group(1))
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "third passphrase")
            .run("recover"),
        1,
        "recovery key");
    assertSuccess(
        cli.withEnv("MEMVAULT_RECOVERY_KEY", second.group(1))
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "third passphrase")
            .run("recover"));
  }

  @Test
  void recoverWithRekey_newPassphraseAndANewRecoveryKeyOnlyItRecovers() {
    CliRunner.Result init = cli.run("init");
    Matcher first = RECOVERY_KEY.matcher(init.out());
    assertTrue(first.find());
    assertSuccess(cli.run("add", "kept across a recovery"));

    CliRunner.Result recovered =
        cli.withEnv("MEMVAULT_RECOVERY_KEY", first.group(1))
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "the passphrase after recovery")
            .run("recover", "--rekey");

    assertSuccess(recovered);
    Matcher second = RECOVERY_KEY.matcher(recovered.out());
    assertTrue(second.find(), recovered.out());
    assertNotEquals(first.group(1), second.group(1));
    CliRunner after = cli.withEnv("MEMVAULT_PASSPHRASE", "the passphrase after recovery");
    assertTrue(after.run("search", "recovery").out().contains("kept across"));
    assertFailure(
        cli.withEnv("MEMVAULT_RECOVERY_KEY", first.group(1))
            .withEnv("MEMVAULT_NEW_PASSPHRASE", "third passphrase")
            .run("recover"),
        1,
        "recovery key");
  }

  @Test
  void rotateKey_keepsOldMemoriesReadable() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "--scope", "work", "written before rotation"));
    assertSuccess(cli.run("rotate-key", "--scope", "work"));
    assertSuccess(cli.run("add", "--scope", "work", "written after rotation"));
    assertEquals(2, cli.run("search", "rotation").outLines().size());
    assertTrue(cli.run("scopes", "--json").out().contains("\"keys\":2"));
  }

  @Test
  void sync_serverUnreachableOrUrlMalformed_oneLineAndNothingLost() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "kept while the server is away"));
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    assertFailure(cli.run("sync", "--server", "http://127.0.0.1:9"), 1, "cannot reach");
    assertFailure(cli.run("sync", "--server", "nonsense"), 1, "not a server URL");
    assertTrue(cli.run("list").out().contains("kept while the server is away"));
  }

  @Test
  void demo_runsOnEmbeddedDefaults() {
    CliRunner.Result demo = cli.withEnv("MEMVAULT_PASSPHRASE", null).run("demo");
    assertSuccess(demo);
    assertTrue(demo.out().contains("memory texts found in the vault's files: 0"), demo.out());
    assertTrue(demo.out().contains("refused: wrong passphrase"), demo.out());
    assertTrue(
        demo.out()
            .contains(
                "\"drug reaction\" shares no word with a memory; by meaning it finds first:"
                    + " Allergic to penicillin."),
        demo.out());
    assertTrue(demo.out().contains("laptop pulled 1 memory revision(s)"), demo.out());
    assertTrue(demo.out().contains("the phone, approved by the laptop"), demo.out());
    assertTrue(demo.out().contains("key epoch 1 is sealed to this laptop only"), demo.out());
    assertTrue(demo.out().contains("the phone's sync is refused: "), demo.out());
    assertTrue(demo.out().contains("the phone finds the new memory: false"), demo.out());
    assertTrue(
        demo.out().contains("the provider reads 2 memories, all of scope work: true"), demo.out());
    assertTrue(
        demo.out()
            .contains("the provider's next read is refused: this grant was revoked or has expired"),
        demo.out());
    assertTrue(
        demo.out().contains("memory texts, tags or scope names found in the server's storage: 0"),
        demo.out());
  }

  @Test
  void help_describesEveryCommand() {
    CliRunner.Result help = cli.run("--help");
    assertSuccess(help);
    for (String command :
        List.of(
            "init",
            "add",
            "search",
            "list",
            "show",
            "update",
            "forget",
            "scopes",
            "passwd",
            "rekey",
            "recover",
            "demo",
            "sync",
            "devices",
            "device",
            "join",
            "server",
            "grant",
            "grants",
            "provider")) {
      assertTrue(help.out().contains("  " + command + " "), command);
    }
    // Each command's summary is one whole sentence, never cut where the first line of its
    // description happened to end.
    String commands = help.out().substring(help.out().indexOf("Commands:"));
    for (String line : commands.lines().skip(1).toList()) {
      assertTrue(line.matches("  [a-z-]+ +\\S.*\\."), "summary cut or wrapped: " + line);
    }
  }

  private Map<Path, byte[]> snapshot() throws IOException {
    Map<Path, byte[]> files = new HashMap<>();
    try (var paths = Files.list(vault)) {
      for (Path path : paths.toList()) {
        files.put(path.getFileName(), Files.readAllBytes(path));
      }
    }
    return files;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    if (array != null) {
      array.forEach(value -> values.add(value.asString()));
    }
    return values;
  }

  private static JsonNode json(String line) {
    return JSON.readTree(line.strip());
  }

  @Test
  void search_pipedOutput_isTheTextAsWrittenSoGrepFindsIt() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "I run Pi-hole at home (DNS 9.9.9.9)"));

    CliRunner.Result search = cli.run("search", "Pi-hole");

    assertSuccess(search);
    assertTrue(search.out().contains("I run Pi-hole at home"), search.out());
  }

  @Test
  void listAndSearch_cutAtTheirLimit_sayMoreMatch() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "kestrel one"));
    assertSuccess(cli.run("add", "kestrel two"));

    CliRunner.Result list = cli.run("list", "--limit", "1");
    CliRunner.Result search = cli.run("search", "--limit", "1", "kestrel");
    CliRunner.Result all = cli.run("search", "--limit", "2", "kestrel");

    assertEquals(1, list.outLines().size(), list.out());
    assertTrue(list.err().contains("1 shown; more match: --limit N"), list.err());
    assertEquals(1, search.outLines().size(), search.out());
    assertTrue(search.err().contains("1 shown; more match"), search.err());
    assertEquals(2, all.outLines().size(), all.out());
    assertFalse(all.err().contains("more match"), all.err());
  }

  @Test
  void list_limitPastTenThousand_listsEveryMatchAndZeroIsAUsageError() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "kestrel one"));
    assertSuccess(cli.run("add", "kestrel two"));

    CliRunner.Result many = cli.run("list", "--limit", "20000000000");
    CliRunner.Result zero = cli.run("list", "--limit", "0");

    assertSuccess(many);
    assertEquals(2, many.outLines().size(), many.out());
    assertEquals("", many.err());
    assertEquals(2, zero.exitCode());
    assertTrue(zero.err().contains("--limit must be a positive number"), zero.err());
  }

  @Test
  void init_newDirectory_ownerOnlyAndANonEmptyOneRefused() throws IOException {
    assertSuccess(cli.run("init"));
    Path elsewhere = temp.resolve("documents");
    Files.createDirectories(elsewhere);
    Files.writeString(elsewhere.resolve("notes.txt"), "mine");

    CliRunner.Result refused = new CliRunner(elsewhere, "another passphrase").run("init");

    assertEquals("rwx------", posix(vault));
    assertEquals("rw-------", posix(vault.resolve("vault.db")));
    assertEquals("rw-------", posix(vault.resolve("vault.header")));
    assertFailure(refused, 1, "is not empty and holds no vault");
    try (java.util.stream.Stream<Path> files = Files.list(elsewhere)) {
      assertEquals(List.of(elsewhere.resolve("notes.txt")), files.toList());
    }
  }

  private static String posix(Path path) throws IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path));
  }

  @Test
  void passphraseCommand_firstLineItPrints_opensTheVault() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "kept behind a password manager"));
    CliRunner viaCommand =
        cli.withEnv("MEMVAULT_PASSPHRASE_COMMAND", "printf '%s\\n' '" + PASSPHRASE + "'")
            .withEnv("MEMVAULT_PASSPHRASE", null);
    CliRunner failing =
        cli.withEnv("MEMVAULT_PASSPHRASE_COMMAND", "exit 3").withEnv("MEMVAULT_PASSPHRASE", null);

    CliRunner.Result listed = viaCommand.run("list");
    CliRunner.Result refused = failing.run("list");

    assertSuccess(listed);
    assertTrue(listed.out().contains("kept behind a password manager"), listed.out());
    assertFailure(refused, 1, "MEMVAULT_PASSPHRASE_COMMAND printed no passphrase (exit code 3)");

    // The option comes before the environment: typed on the command line, it is the latest word.
    CliRunner.Result byOption =
        failing.run("list", "--passphrase-command", "printf '%s\\n' '" + PASSPHRASE + "'");
    assertSuccess(byOption);
    assertTrue(byOption.out().contains("kept behind a password manager"), byOption.out());
    assertFailure(
        viaCommand.run("list", "--passphrase-command", "exit 4"),
        1,
        "--passphrase-command printed no passphrase (exit code 4)");
  }

  @Test
  void vaultOption_beforeTheCommand_takenAsAfterIt() {
    assertSuccess(cli.run("init"));
    assertSuccess(cli.run("add", "named before the command"));

    CliRunner.Result listed = cli.run("--vault", vault.toString(), "list");
    CliRunner.Result searched = cli.run("--vault=" + vault, "search", "named");

    assertSuccess(listed);
    assertTrue(listed.out().contains("named before the command"), listed.out());
    assertSuccess(searched);
    assertEquals(1, searched.outLines().size(), searched.out());
  }

  @Test
  void ids_abbreviatedToAUniquePrefix_nameTheirMemory() {
    assertSuccess(cli.run("init"));
    String first = cli.run("add", "first of two").out().strip();
    String second = cli.run("add", "second of two").out().strip();
    String common = commonPrefix(first, second);

    CliRunner.Result shown = cli.run("show", first.substring(0, common.length() + 1));
    CliRunner.Result ambiguous = cli.run("show", common);
    CliRunner.Result updated = cli.run("update", second.substring(0, 35), "second, edited");

    assertSuccess(shown);
    assertTrue(shown.out().contains("first of two"), shown.out());
    // Ids are UUIDv7: two made seconds apart share their first (time) digits.
    assertTrue(common.length() >= 4, first + " " + second);
    assertFailure(ambiguous, 1, "starts the id of more than one memory");
    assertSuccess(updated);
    assertTrue(cli.run("show", second).out().contains("second, edited"));
    assertFailure(cli.run("show", "ffff"), 1, "no memory with id 'ffff'");
  }

  private static String commonPrefix(String a, String b) {
    int i = 0;
    while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return a.substring(0, i);
  }

  @Test
  void search_unknownLongOption_usageErrorNotAQuery() {
    assertSuccess(cli.run("init"));

    assertFailure(cli.run("search", "--scpoe", "work", "x"), 2, "unknown option '--scpoe'");
  }

  @Test
  void misspelledCommand_usageErrorSuggestingTheCommand() {
    CliRunner.Result typo = cli.run("serach", "x");

    assertFailure(typo, 2, "unknown command 'serach'");
    assertTrue(typo.err().contains("did you mean") && typo.err().contains("search"), typo.err());
  }

  @Test
  void help_command_printsThatCommandsHelp() {
    CliRunner.Result help = cli.run("help", "search");

    assertSuccess(help);
    assertTrue(help.out().startsWith("Usage: memvault search"), help.out());
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), "stderr: " + result.err());
  }

  @Test
  void update_tagsKindAndScope_changedOrMovedUnderANewIdAndBadRequestsRefused() {
    assertSuccess(cli.run("init"));
    String id =
        cli.run("add", "--scope", "personal", "--tag", "diet", "I am vegetarian").out().strip();

    CliRunner.Result retagged = cli.run("update", id, "--tag", "food", "--tag", "health");
    assertSuccess(retagged);
    assertTrue(retagged.out().startsWith(id + "  revision 2"), retagged.out());
    JsonNode shown = json(cli.run("show", "--json", id).out().strip());
    assertEquals(List.of("food", "health"), strings(shown.get("tags")));
    assertEquals("I am vegetarian", shown.get("text").asString());

    CliRunner.Result moved = cli.run("update", id, "--scope", "health", "--kind", "fact");
    assertSuccess(moved);
    String newId = moved.out().strip().split("\\s+")[0];
    assertFalse(newId.equals(id), moved.out());
    assertTrue(
        moved.err().contains("moved to scope 'health' as a fact under a new id"), moved.err());
    JsonNode after = json(cli.run("show", "--json", newId).out().strip());
    assertEquals("health", after.get("scope").asString());
    assertEquals("FACT", after.get("kind").asString());
    assertEquals(List.of("food", "health"), strings(after.get("tags")));
    assertEquals(shown.get("createdAt").asString(), after.get("createdAt").asString());
    assertFailure(cli.run("show", id), 1, "forgotten");

    CliRunner.Result untagged = cli.run("update", newId, "--no-tags");
    assertSuccess(untagged);
    assertEquals(
        List.of(), strings(json(cli.run("show", "--json", newId).out().strip()).get("tags")));

    assertFailure(cli.run("update", newId), 2, "nothing to change");
    assertFailure(cli.run("update", newId, "--no-tags", "--tag", "x"), 2, "exclude each other");
    assertFailure(cli.run("update", newId, "--kind", "conversation"), 2, "--kind");
    assertFailure(cli.run("update", newId, "--scope", "Not A Scope"), 1, "scope");
    JsonNode unchanged = json(cli.run("show", "--json", newId).out().strip());
    assertEquals("health", unchanged.get("scope").asString());
  }

  @Test
  void add_newScope_saysItWasCreated() {
    assertSuccess(cli.run("init"));

    CliRunner.Result first = cli.run("add", "--scope", "garden", "Tomatoes need staking");
    CliRunner.Result second = cli.run("add", "--scope", "garden", "Water the basil");

    assertSuccess(first);
    assertTrue(first.err().contains("created scope 'garden'"), first.err());
    assertSuccess(second);
    assertEquals("", second.err());
  }

  private static void assertFailure(CliRunner.Result result, int code, String mention) {
    assertEquals(code, result.exitCode(), "stdout: " + result.out() + " stderr: " + result.err());
    String err = result.err().strip();
    assertFalse(err.contains("\n"), "error must be one line: " + err);
    assertTrue(err.startsWith("memvault: "), err);
    assertTrue(err.contains(mention), "error should mention '" + mention + "': " + err);
    assertFalse(err.contains("Exception") || err.contains("\tat "), err);
  }
}
