package dev.memvault.cli.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Which lines count as requests awaiting an answer. That the server answers them before it stops is
 * McpCliTest's {@code mcp_stdinEndsAfterOneRequest_answersItOnStdoutAndExitsZero}.
 */
class PendingRequestsTest {
  private final PendingRequests pending = new PendingRequests();
  private final PendingRequests.Lines read = new PendingRequests.Lines(pending::read);
  private final PendingRequests.Lines written = new PendingRequests.Lines(pending::written);

  @Test
  void count_requestsAndNotifications_countsRequestsOnly() {
    feed(read, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}\n");
    feed(read, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
    feed(read, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"tools/list\"}\nnot json\n");

    assertEquals(2, pending.count());
  }

  @Test
  void count_responseWrittenInPieces_answersItsRequest() {
    feed(read, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n");
    feed(written, "{\"jsonrpc\":\"2.0\",\"id\":1,");
    assertEquals(1, pending.count());

    feed(written, "\"result\":{}}");
    feed(written, "\n");

    assertEquals(0, pending.count());
  }

  @Test
  void count_serverRequestsAndNotificationsWritten_answerNothing() {
    feed(read, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}\n");

    feed(written, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"roots/list\"}\n");
    feed(written, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}\n");

    assertEquals(1, pending.count());
  }

  private static void feed(PendingRequests.Lines lines, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    lines.accept(bytes, 0, bytes.length);
  }
}
