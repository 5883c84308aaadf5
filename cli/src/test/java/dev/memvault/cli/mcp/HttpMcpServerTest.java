package dev.memvault.cli.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.v1.Kind;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP transport in process, spoken to with raw HTTP/1.1 so that every header (Host among them)
 * is exactly what a test writes: only loopback Host and Origin values with the right bearer token
 * reach MCP.
 */
class HttpMcpServerTest {
  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";

  @TempDir static Path directory;

  private static MemoryVault vault;
  private static AccessToken token;
  private static HttpMcpServer server;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    vault = MemoryVault.create(directory.resolve("vault"), "http passphrase".toCharArray()).vault();
    vault.add(NewMemory.of("work", Kind.NOTE, "Standup at 9:30"));
    token = AccessToken.generate(new SecureRandom());
    McpFeatures features =
        new McpFeatures(new ScopedMemories(vault, ServedScopes.all()), true, "t");
    server =
        HttpMcpServer.start(
            features, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token);
    port = server.endpoint().getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
    vault.close();
  }

  @Test
  void post_loopbackHostAndToken_initializes() throws IOException {
    String response = post("127.0.0.1:" + port, null, "Bearer " + token.reveal());

    assertTrue(response.startsWith("HTTP/1.1 200"), response);
    assertTrue(response.contains("\"serverInfo\":{\"name\":\"memvault\""), response);
  }

  @Test
  void post_localhostNameAndLoopbackOrigin_initializes() throws IOException {
    String response =
        post("localhost:" + port, "http://localhost:" + port, "Bearer " + token.reveal());

    assertTrue(response.startsWith("HTTP/1.1 200"), response);
  }

  @Test
  void post_withoutOrWithWrongToken_isUnauthorizedAndSaysWhatToSend() throws IOException {
    String wrong = "Bearer " + AccessToken.generate(new SecureRandom()).reveal();
    for (String authorization : new String[] {null, wrong, token.reveal(), "Basic x"}) {
      String response = post("127.0.0.1:" + port, null, authorization);

      assertTrue(response.startsWith("HTTP/1.1 401"), response);
      assertTrue(response.contains("WWW-Authenticate: Bearer"), response);
      assertTrue(response.endsWith("Authorization: Bearer TOKEN\n"), response);
      assertFalse(response.contains("memvault\""), response);
    }
  }

  @Test
  void post_foreignHost_isForbiddenEvenWithToken() throws IOException {
    for (String host :
        List.of("attacker.example:" + port, "127.0.0.1:1", "127.0.0.1", "localhost.evil:" + port)) {
      String response = post(host, null, "Bearer " + token.reveal());

      assertTrue(response.startsWith("HTTP/1.1 403"), host + ": " + response);
    }
  }

  @Test
  void post_webPageOrigin_isForbiddenEvenWithToken() throws IOException {
    for (String origin :
        List.of("https://attacker.example", "http://attacker.example:" + port, "null")) {
      String response = post("127.0.0.1:" + port, origin, "Bearer " + token.reveal());

      assertTrue(response.startsWith("HTTP/1.1 403"), origin + ": " + response);
      assertTrue(response.endsWith("requests from web pages are refused\n"), response);
    }
  }

  @Test
  void start_nonLoopbackAddress_isRefused() {
    McpFeatures features =
        new McpFeatures(new ScopedMemories(vault, ServedScopes.all()), true, "t");

    assertThrows(
        IllegalArgumentException.class,
        () -> HttpMcpServer.start(features, new InetSocketAddress("0.0.0.0", 0), token));
  }

  @Test
  void accessToken_toString_showsNoToken() {
    assertEquals("AccessToken[redacted]", token.toString());
    assertFalse(token.toString().contains(token.reveal()));
  }

  @Test
  void accessToken_shortFile_isRefused() throws IOException {
    Path file = Files.writeString(directory.resolve("short-token"), "letmein\n");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AccessToken.fromFile(file));
    assertTrue(e.getMessage().contains("at least 32 printable characters"), e.getMessage());
  }

  @Test
  void accessToken_fromFile_matchesItsFirstLineOnly() throws IOException {
    String value = "k".repeat(40);
    Path file = Files.writeString(directory.resolve("token"), value + "\nsecond line\n");

    AccessToken read = AccessToken.fromFile(file);

    assertTrue(read.matches(value));
    assertFalse(read.matches(value + "\nsecond line"));
    assertFalse(read.matches("k".repeat(39)));
  }

  /** One POST of an initialize request with these headers; the whole response as text. */
  private static String post(String host, String origin, String authorization) throws IOException {
    byte[] body = INITIALIZE.getBytes(StandardCharsets.UTF_8);
    StringBuilder request = new StringBuilder();
    request.append("POST ").append(HttpMcpServer.ENDPOINT).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(host).append("\r\n");
    if (origin != null) {
      request.append("Origin: ").append(origin).append("\r\n");
    }
    if (authorization != null) {
      request.append("Authorization: ").append(authorization).append("\r\n");
    }
    request.append("Content-Type: application/json\r\n");
    request.append("Accept: application/json, text/event-stream\r\n");
    request.append("Content-Length: ").append(body.length).append("\r\n");
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    }
  }
}
