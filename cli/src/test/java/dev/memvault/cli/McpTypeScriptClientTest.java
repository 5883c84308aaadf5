package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code memvault mcp} driven by a real MCP client from outside the Java SDK: the official
 * TypeScript SDK, in {@code src/test/mcp-client/client.mjs}, which runs one fixed session (over
 * stdio, starting the server itself, or over HTTP) and prints what it saw as JSON. Needs node 20+
 * and that directory's {@code npm ci}.
 */
class McpTypeScriptClientTest {
  private static final String PASSPHRASE = "correct horse battery";
  private static final Path CLIENT = Path.of("src", "test", "mcp-client").toAbsolutePath();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The id client.mjs asks for as one that no vault holds. */
  private static final String UNKNOWN_ID = "00000000-0000-7000-8000-000000000000";

  // One vault for the class: each session that adds a memory forgets it again, so every test
  // finds the fixture's two memories, in whatever order they run.
  @TempDir static Path temp;

  private static Path vault;
  private static CliRunner cli;
  private static String tabs;
  private static String vegetarian;

  @BeforeAll
  static void createVault() {
    vault = temp.resolve("vault");
    cli = new CliRunner(vault, PASSPHRASE);
    assertEquals(0, cli.run("init").exitCode());
    tabs = cli.run("add", "--scope", "work", "--kind", "preference", "I prefer tabs").out().strip();
    vegetarian =
        cli.run("add", "--scope", "personal", "--kind", "fact", "I am vegetarian").out().strip();
  }

  @Test
  void mcp_stdioClientOnOneScope_seesAndChangesThatScopeOnly() throws Exception {
    JsonNode report = stdioSession("--scope", "work");

    assertEquals("[]", report.get("transportErrors").toString(), "stdout had a non-protocol line");
    assertConfinedToWork(report);
  }

  @Test
  void mcp_httpClientOnOneScope_seesAndChangesThatScopeOnly() throws Exception {
    Process server =
        cli.start(
            Files.createTempFile(temp, "http-server", ".log").toFile(),
            "mcp",
            "--http",
            "127.0.0.1:0",
            "--scope",
            "work");
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String endpoint = field(out.readLine(), "MCP endpoint: ");
      String token = field(out.readLine(), "Bearer token: ");
      assertTrue(endpoint.matches("http://127\\.0\\.0\\.1:[0-9]+/mcp"), endpoint);

      JsonNode report = client(List.of("--url", endpoint, "--token", token));

      // The TypeScript SDK reports a dropped event stream it then reopens (typescript-sdk
      // issue 1211); every call still has its answer, which assertConfinedToWork checks.
      report
          .get("transportErrors")
          .forEach(
              error ->
                  assertTrue(
                      error.asString().startsWith("Error: SSE stream disconnected"),
                      "transport error: " + error));
      assertConfinedToWork(report);
    } finally {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        fail("memvault mcp --http did not stop on SIGTERM");
      }
    }
  }

  private static String field(String line, String prefix) {
    assertTrue(line != null && line.startsWith(prefix), "expected '" + prefix + "...': " + line);
    return line.substring(prefix.length());
  }

  /** What one session of client.mjs saw, served {@code --scope work} of the fixture. */
  private void assertConfinedToWork(JsonNode report) {
    assertEquals("memvault", report.get("server").get("name").asString());
    assertEquals(
        List.of(
            "search_memories",
            "get_memory",
            "list_scopes",
            "recent_memories",
            "build_context",
            "add_memory",
            "update_memory",
            "forget_memory"),
        names(report.get("tools")));
    assertEquals("[\"memvault://memory/{id}\"]", report.get("resourceTemplates").toString());
    assertEquals(
        "{\"scopes\":[{\"scope\":\"work\",\"memories\":1}]}",
        report.get("scopes").get("text").asString());
    assertEquals(tabs, report.get("search").get("json").get("results").get(0).get("id").asString());
    assertEquals(0, report.get("searchHidden").get("json").get("results").size());
    assertEquals(1, report.get("recent").get("json").get("memories").size());
    assertFalse(report.get("context").get("text").asString().contains("vegetarian"));

    // The memory of the unserved scope answers exactly as an id that does not exist.
    assertSameError(report, "getHidden", "getUnknown");
    assertEquals(
        report.get("readUnknown").toString().replace(UNKNOWN_ID, "ID"),
        report.get("readHidden").toString().replace(vegetarian, "ID"));
    assertFalse(report.get("readHidden").get("ok").asBoolean());
    assertEquals(
        "no scope named 'personal'; scopes: work",
        report.get("searchHiddenScope").get("text").asString());
    assertEquals(
        "no scope named 'no-such-scope'; scopes: work",
        report.get("searchMissingScope").get("text").asString());
    assertEquals(
        "scope 'personal' is not served here; add to one of: work",
        report.get("addHiddenScope").get("text").asString());
    assertSameError(report, "forgetHidden", "forgetUnknown");
    assertTrue(report.get("updateHidden").get("isError").asBoolean());

    // Written through the protocol, read back through it, then forgotten.
    String added = report.get("add").get("json").get("memory").get("id").asString();
    assertEquals(
        "Prefers answers with code samples in Kotlin",
        report.get("get").get("json").get("memory").get("text").asString());
    assertTrue(report.get("read").get("ok").asBoolean());
    assertEquals(
        added, report.get("searchAdded").get("json").get("results").get(0).get("id").asString());
    assertEquals("2", report.get("update").get("json").get("memory").get("revision").asString());
    assertEquals(
        "no memory with id '" + added + "'", report.get("getForgotten").get("text").asString());
    assertTrue(report.get("badArguments").get("isError").asBoolean());

    // The unserved memory is untouched.
    CliRunner.Result shown = cli.run("show", vegetarian);
    assertEquals(0, shown.exitCode(), shown.err());
    assertTrue(shown.out().contains("I am vegetarian"), shown.out());
  }

  @Test
  void mcp_readOnly_offersNoWritingToolAndChangesNothing() throws Exception {
    JsonNode report = stdioSession("--read-only");

    assertEquals("[]", report.get("transportErrors").toString());
    assertEquals(
        List.of("search_memories", "get_memory", "list_scopes", "recent_memories", "build_context"),
        names(report.get("tools")));
    assertFalse(report.has("add"));
    assertEquals(
        vegetarian, report.get("getHidden").get("json").get("memory").get("id").asString());
    assertEquals(2, cli.run("list").outLines().size());
  }

  @Test
  void providerMcp_grantOfOneScope_seesThatScopeOnlyReadOnly() throws Exception {
    Path serverData = temp.resolve("server-data");
    try (ServerProcess server = new ServerProcess(serverData, temp)) {
      assertEquals(0, cli.run("sync", "--server", server.url()).exitCode());
      Path key = temp.resolve("acme.key");
      CliRunner provider = new CliRunner(temp.resolve("no-vault"), "unused");
      assertEquals(0, provider.run("provider", "keygen", "--out", key.toString()).exitCode());
      CliRunner.Result created =
          cli.run(
              "grant",
              "create",
              "--name",
              "acme",
              "--provider-key",
              temp.resolve("acme.pub").toString(),
              "--scope",
              "work");
      assertEquals(0, created.exitCode(), created.err());
      List<String> command =
          new ArrayList<>(
              List.of(
                  "--",
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "provider",
                  "mcp",
                  "--key",
                  key.toString(),
                  "--server",
                  server.url(),
                  "--grant",
                  created.outLines().get(0)));

      JsonNode report = client(command);

      assertEquals("[]", report.get("transportErrors").toString());
      assertEquals(
          List.of(
              "search_memories", "get_memory", "list_scopes", "recent_memories", "build_context"),
          names(report.get("tools")));
      assertEquals(
          "{\"scopes\":[{\"scope\":\"work\",\"memories\":1}]}",
          report.get("scopes").get("text").asString());
      assertEquals(
          tabs, report.get("search").get("json").get("results").get(0).get("id").asString());
      assertEquals(0, report.get("searchHidden").get("json").get("results").size());
      assertEquals(1, report.get("recent").get("json").get("memories").size());
      // The memory of the scope not granted answers exactly as an id that does not exist.
      assertSameError(report, "getHidden", "getUnknown");
      assertEquals(
          report.get("readUnknown").toString().replace(UNKNOWN_ID, "ID"),
          report.get("readHidden").toString().replace(vegetarian, "ID"));
      assertFalse(report.has("add"));
    }
  }

  private static void assertSameError(JsonNode report, String hidden, String unknown) {
    assertTrue(report.get(hidden).get("isError").asBoolean(), hidden);
    assertEquals(
        report.get(unknown).get("text").asString().replace(UNKNOWN_ID, "ID"),
        report.get(hidden).get("text").asString().replaceAll("'[0-9a-f-]{36}'", "'ID'"));
  }

  private static List<String> names(JsonNode tools) {
    List<String> names = new ArrayList<>();
    tools.forEach(tool -> names.add(tool.get("name").asString()));
    return names;
  }

  /** Runs client.mjs against {@code memvault mcp --vault DIR ARGS} on stdio; its report. */
  private JsonNode stdioSession(String... args) throws IOException, InterruptedException {
    List<String> server = new ArrayList<>();
    server.add("--");
    server.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    server.add("-cp");
    server.add(System.getProperty("java.class.path"));
    server.add(Main.class.getName());
    server.add("mcp");
    server.add("--vault");
    server.add(vault.toString());
    server.addAll(List.of(args));
    return client(server);
  }

  /** Runs client.mjs with {@code arguments} after the hidden id and returns its report. */
  private JsonNode client(List<String> arguments) throws IOException, InterruptedException {
    if (!Files.isDirectory(CLIENT.resolve("node_modules/@modelcontextprotocol/sdk"))) {
      fail(
          "the TypeScript MCP client is not installed: run 'npm ci' in "
              + CLIENT
              + " (node 20+ and npm; .ci/run does it before the build)");
    }
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(CLIENT.resolve("client.mjs").toString());
    command.add("--hidden-id");
    command.add(vegetarian);
    command.addAll(arguments);
    File out = Files.createTempFile(temp, "client-out", ".json").toFile();
    File err = Files.createTempFile(temp, "client-err", ".txt").toFile();
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out).redirectError(err);
    builder.environment().remove("MEMVAULT_HOME");
    builder.environment().put("MEMVAULT_PASSPHRASE", PASSPHRASE);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError("could not start node (needed for this test): " + e.getMessage());
    }
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("the MCP client did not finish; its stderr:\n" + Files.readString(err.toPath()));
    }
    String stderr = Files.readString(err.toPath());
    assertEquals(0, process.exitValue(), "the MCP client failed; its stderr:\n" + stderr);
    return JSON.readTree(Files.readString(out.toPath()));
  }
}
