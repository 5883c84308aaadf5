package dev.memvault.cli.mcp;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves {@link McpFeatures} over MCP's streamable HTTP transport at {@code /mcp} on a loopback
 * address only, every request passing {@link LoopbackGuard} (Host, Origin, bearer token) first.
 */
public final class HttpMcpServer implements AutoCloseable {
  public static final String ENDPOINT = "/mcp";
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(60);

  private final Tomcat tomcat;
  private final McpSyncServer server;
  private final Path workDirectory;
  private final String host;

  private HttpMcpServer(Tomcat tomcat, McpSyncServer server, Path workDirectory, String host) {
    this.tomcat = tomcat;
    this.server = server;
    this.workDirectory = workDirectory;
    this.host = host;
  }

  /**
   * Starts serving on {@code address}; port 0 takes a free port ({@link #endpoint()} names it).
   *
   * @throws IllegalArgumentException if {@code address} is not a loopback address
   * @throws IOException if the port cannot be bound
   */
  public static HttpMcpServer start(
      McpFeatures features, InetSocketAddress address, AccessToken token) throws IOException {
    if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("the MCP server listens on a loopback address only");
    }
    requireFree(address);
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
            .mcpEndpoint(ENDPOINT)
            // Node's fetch, under the TypeScript SDK many assistants use, drops an event stream
            // after five minutes without a byte; a ping well inside that keeps it open.
            .keepAliveInterval(KEEP_ALIVE)
            .build();
    McpSyncServer server = features.build(McpServer.sync(transport));

    Path workDirectory = Files.createTempDirectory("memvault-mcp-http");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(workDirectory.toString());
    Connector connector = new Connector();
    connector.setPort(address.getPort());
    connector.setProperty("address", address.getAddress().getHostAddress());
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);

    Context context = tomcat.addContext("", null);
    // No web application is loaded, so there are no leaks of one to look for at stop.
    ((StandardContext) context).setClearReferencesThreadLocals(false);
    ((StandardContext) context).setClearReferencesRmiTargets(false);
    Wrapper servlet = Tomcat.addServlet(context, "mcp", transport);
    servlet.setAsyncSupported(true);
    context.addServletMapping(ENDPOINT, "mcp");
    FilterDef guard = new FilterDef();
    guard.setFilterName("guard");
    guard.setFilter(new LoopbackGuard(token));
    guard.setAsyncSupported("true");
    context.addFilterDef(guard);
    FilterMap everything = new FilterMap();
    everything.setFilterName("guard");
    everything.addURLPattern("/*");
    context.addFilterMap(everything);

    HttpMcpServer started =
        new HttpMcpServer(tomcat, server, workDirectory, address.getAddress().getHostAddress());
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      started.close();
      throw new IOException("the server did not start", e);
    }
    if (connector.getLocalPort() <= 0) {
      started.close();
      throw new IOException("the port is in use");
    }
    return started;
  }

  /**
   * Fails with one sentence when the port is taken, before Tomcat would log the failure with a
   * stack trace; a port taken between this check and the start still fails, only more loudly.
   */
  private static void requireFree(InetSocketAddress address) throws IOException {
    if (address.getPort() == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(address);
    } catch (BindException e) {
      throw new IOException("the port is in use", e);
    }
  }

  /** Where clients send requests, with the port bound. */
  public URI endpoint() {
    String name = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + name + ":" + tomcat.getConnector().getLocalPort() + ENDPOINT);
  }

  @Override
  public void close() {
    server.closeGracefully();
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException("the HTTP server did not stop", e);
    } finally {
      deleteRecursively(workDirectory);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
