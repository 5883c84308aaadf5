package dev.memvault.cli.mcp;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON-RPC requests a stdio client sent that have no response yet, counted from the lines read
 * and written. It lets the server answer everything it was asked before it stops at the end of its
 * input, so that {@code echo REQUEST | memvault mcp} gets its answer.
 */
final class PendingRequests {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private int pending;

  /** A line the client sent: a request (a method and an id) awaits its response. */
  synchronized void read(byte[] line) {
    JsonNode message = parse(line);
    if (message != null && message.has("method") && message.has("id")) {
      pending++;
    }
  }

  /** A line the server wrote: a response (an id, no method) answers one request. */
  synchronized void written(byte[] line) {
    JsonNode message = parse(line);
    if (message != null && !message.has("method") && message.has("id") && pending > 0) {
      pending--;
      notifyAll();
    }
  }

  /** How many requests read have no response written yet. */
  synchronized int count() {
    return pending;
  }

  /**
   * Waits until every request read so far is answered, or {@code seconds} passed: a request the
   * server could not even parse gets a response without its id, and must not hold it forever.
   */
  synchronized void awaitAnswered(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (pending > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  private static JsonNode parse(byte[] line) {
    try {
      JsonNode node = JSON.readTree(line);
      return node != null && node.isObject() ? node : null;
    } catch (JacksonException e) {
      return null;
    }
  }

  /** Splits a byte stream into lines, each handed on without its line break. */
  static final class Lines {
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final Consumer<byte[]> sink;

    Lines(Consumer<byte[]> sink) {
      this.sink = sink;
    }

    synchronized void accept(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        if (bytes[i] == '\n') {
          sink.accept(current.toByteArray());
          current.reset();
        } else {
          current.write(bytes[i]);
        }
      }
    }
  }
}
