package dev.memvault.cli.mcp;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves {@link McpFeatures} over MCP's stdio transport: JSON-RPC messages, one per line, read from
 * {@code in} and written to {@code out}, until {@code in} ends. Nothing else may be written to
 * {@code out}; logs go to standard error.
 */
public final class StdioMcpServer {
  private final McpFeatures features;

  public StdioMcpServer(McpFeatures features) {
    this.features = features;
  }

  /** Answers requests until the client closes {@code in}, then stops. */
  public void serve(InputStream in, OutputStream out) throws InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(
            new JacksonMcpJsonMapper(JsonMapper.builder().build()),
            new EndAwareInputStream(in, ended),
            out);
    McpSyncServer server = features.build(McpServer.sync(transport));
    try {
      ended.await();
    } finally {
      server.closeGracefully();
    }
  }

  /** Counts {@code ended} down once its stream ends or fails: the client has gone. */
  private static final class EndAwareInputStream extends FilterInputStream {
    private final CountDownLatch ended;

    EndAwareInputStream(InputStream in, CountDownLatch ended) {
      super(in);
      this.ended = ended;
    }

    @Override
    public int read() throws IOException {
      return observe(() -> super.read());
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return observe(() -> super.read(buffer, offset, length));
    }

    private int observe(Read read) throws IOException {
      try {
        int result = read.run();
        if (result < 0) {
          ended.countDown();
        }
        return result;
      } catch (IOException | RuntimeException e) {
        ended.countDown();
        throw e;
      }
    }

    private interface Read {
      int run() throws IOException;
    }
  }
}
