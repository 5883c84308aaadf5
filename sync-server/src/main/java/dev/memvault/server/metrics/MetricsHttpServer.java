package dev.memvault.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@link ServerMetrics} at {@code GET /metrics} in the Prometheus text format, on the JDK's
 * built-in HTTP server and one daemon thread. Plain HTTP: bind it to a private address.
 */
public final class MetricsHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static MetricsHttpServer start(InetSocketAddress address, ServerMetrics metrics)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "memvault-metrics");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", exchange -> respond(exchange, metrics));
    server.start();
    return new MetricsHttpServer(server, executor);
  }

  private static void respond(HttpExchange exchange, ServerMetrics metrics) throws IOException {
    try (exchange) {
      boolean get = "GET".equals(exchange.getRequestMethod());
      if (!"/metrics".equals(exchange.getRequestURI().getPath())
          || !(get || "HEAD".equals(exchange.getRequestMethod()))) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = metrics.prometheusText().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, get ? body.length : -1);
      if (get) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** The bound address (its port, when started on port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
