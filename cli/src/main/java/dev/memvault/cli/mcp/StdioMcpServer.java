package dev.memvault.cli.mcp;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves {@link McpFeatures} over MCP's stdio transport: JSON-RPC messages, one per line, read from
 * {@code in} and written to {@code out}, until {@code in} ends. Every request read before the end
 * is answered first. Nothing else may be written to {@code out}; logs go to standard error.
 */
public final class StdioMcpServer {
  /** Longest wait at the end of input for answers still being worked out. */
  private static final long DRAIN_SECONDS = 60;

  private final McpFeatures features;

  public StdioMcpServer(McpFeatures features) {
    this.features = features;
  }

  /** Answers requests until the client closes {@code in}, then stops. */
  public void serve(InputStream in, OutputStream out) throws InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    PendingRequests pending = new PendingRequests();
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(
            new JacksonMcpJsonMapper(JsonMapper.builder().build()),
            new ClientInput(in, pending, ended),
            new ServerOutput(out, pending));
    McpSyncServer server = features.build(McpServer.sync(transport));
    try {
      ended.await();
    } finally {
      server.closeGracefully();
    }
  }

  /**
   * The client's messages. At their end it holds the end back from the transport (which closes the
   * session on it) until every request read is answered, then counts {@code ended} down.
   */
  private static final class ClientInput extends FilterInputStream {
    private final PendingRequests pending;
    private final PendingRequests.Lines lines;
    private final CountDownLatch ended;

    ClientInput(InputStream in, PendingRequests pending, CountDownLatch ended) {
      super(in);
      this.pending = pending;
      this.lines = new PendingRequests.Lines(pending::read);
      this.ended = ended;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int count = read(one, 0, 1);
      return count < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int count;
      try {
        count = super.read(buffer, offset, length);
      } catch (IOException | RuntimeException e) {
        ended.countDown();
        throw e;
      }
      if (count > 0) {
        lines.accept(buffer, offset, count);
      } else if (count < 0) {
        try {
          pending.awaitAnswered(DRAIN_SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ended.countDown();
      }
      return count;
    }
  }

  /** The server's messages, each response counted against the requests it answers. */
  private static final class ServerOutput extends FilterOutputStream {
    private final PendingRequests.Lines lines;

    ServerOutput(OutputStream out, PendingRequests pending) {
      super(out);
      this.lines = new PendingRequests.Lines(pending::written);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      out.write(buffer, offset, length);
      // Counted once written: the response left before the server may stop.
      lines.accept(buffer, offset, length);
    }
  }
}
