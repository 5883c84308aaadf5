package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memvault mcp} as a shell starts it: what it prints, when it stops, and its usage errors
 * (one line, exit 2, before the vault is opened). The protocol itself is McpTypeScriptClientTest's.
 */
class McpCliTest {
  private static final String PASSPHRASE = "correct horse battery";
  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"sh\",\"version\":\"1\"}}}";

  @TempDir static Path temp;

  private static CliRunner cli;

  @BeforeAll
  static void createVault() {
    cli = new CliRunner(temp.resolve("vault"), PASSPHRASE);
    assertEquals(0, cli.run("init").exitCode());
  }

  @Test
  void mcp_stdinEndsAfterOneRequest_answersItOnStdoutAndExitsZero() {
    CliRunner.Result result = cli.runWithInput(INITIALIZE + "\n", "mcp", "--scope", "work");

    assertEquals(Main.OK, result.exitCode(), result.err());
    List<String> lines = result.outLines();
    assertEquals(1, lines.size(), result.out());
    assertTrue(lines.get(0).startsWith("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{"), lines.get(0));
    assertTrue(
        result.err().contains("memvault mcp: scope 'work' holds no memories yet"), result.err());
  }

  @Test
  void mcp_withoutPassphraseInEnvironment_exitsOneWithOneLine() {
    CliRunner.Result result = cli.withEnv("MEMVAULT_PASSPHRASE", null).run("mcp");

    assertEquals(Main.FAILED, result.exitCode());
    assertEquals("", result.out());
    assertEquals(
        "memvault: memvault mcp reads the passphrase from MEMVAULT_PASSPHRASE only (its standard"
            + " input is the protocol): set it in the assistant's MCP configuration\n",
        result.err());
  }

  @Test
  void mcp_httpOnNonLoopbackAddress_isUsageError() {
    for (String address : List.of("0.0.0.0:8765", "example.com:8765", "127.0.0.1", "::1:x")) {
      CliRunner.Result result = cli.run("mcp", "--http", address);

      assertEquals(Main.USAGE, result.exitCode(), address);
      assertEquals(
          "memvault: --http takes a loopback address and a port, such as 127.0.0.1:8765, not '"
              + address
              + "': this server is for programs on this machine only\n",
          result.err());
    }
  }

  @Test
  void mcp_httpPortInUse_exitsOneWithOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();

      CliRunner.Result result = cli.run("mcp", "--http", address);

      assertEquals(Main.FAILED, result.exitCode());
      assertEquals("", result.out());
      assertEquals(
          "memvault: cannot listen on " + address + ": the port is in use\n", result.err());
    }
  }

  @Test
  void mcp_tokenFileWithoutHttp_isUsageError() {
    CliRunner.Result result = cli.run("mcp", "--token-file", "t");

    assertEquals(Main.USAGE, result.exitCode());
    assertEquals("memvault: --token-file goes with --http\n", result.err());
  }

  @Test
  void mcp_shortTokenFile_isUsageError() throws IOException {
    Path file = Files.writeString(temp.resolve("token"), "letmein\n");

    CliRunner.Result result =
        cli.run("mcp", "--http", "127.0.0.1:0", "--token-file", file.toString());

    assertEquals(Main.USAGE, result.exitCode());
    assertEquals(
        "memvault: the token in "
            + file
            + " must be one line of at least 32 printable characters without spaces\n",
        result.err());
  }
}
