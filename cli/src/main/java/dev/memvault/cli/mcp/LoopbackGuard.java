package dev.memvault.cli.mcp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;

/**
 * The one gate in front of the HTTP transport; a request reaches MCP only when all three hold:
 *
 * <ul>
 *   <li>its Host names this loopback server (127.0.0.1, localhost or [::1] with its port), so a web
 *       page cannot reach it by rebinding its own domain name to 127.0.0.1;
 *   <li>its Origin, when a browser sends one, is such a loopback address too, so no other web page
 *       can call it from a person's browser;
 *   <li>it carries {@code Authorization: Bearer TOKEN}, so no other local user or program can.
 * </ul>
 *
 * A refusal is 403 (Host, Origin) or 401 (token) with a fixed one-line body, before any MCP
 * processing, and says nothing of the vault.
 */
final class LoopbackGuard implements Filter {
  private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");
  private static final String BEARER = "Bearer ";

  private final AccessToken token;

  LoopbackGuard(AccessToken token) {
    this.token = token;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    HttpServletResponse answer = (HttpServletResponse) response;
    int port = http.getLocalPort();
    String host = http.getHeader("Host");
    if (host == null || !isLoopback(host, port)) {
      refuse(answer, HttpServletResponse.SC_FORBIDDEN, "this server answers on loopback only");
      return;
    }
    String origin = http.getHeader("Origin");
    if (origin != null && !isLoopbackOrigin(origin, port)) {
      refuse(answer, HttpServletResponse.SC_FORBIDDEN, "requests from web pages are refused");
      return;
    }
    String authorization = http.getHeader("Authorization");
    if (authorization == null
        || !authorization.startsWith(BEARER)
        || !token.matches(authorization.substring(BEARER.length()).strip())) {
      answer.setHeader("WWW-Authenticate", "Bearer");
      refuse(
          answer,
          HttpServletResponse.SC_UNAUTHORIZED,
          "send the token that memvault mcp printed: Authorization: Bearer TOKEN");
      return;
    }
    chain.doFilter(request, response);
  }

  private static boolean isLoopback(String host, int port) {
    int colon = host.lastIndexOf(':');
    if (colon < 0 || host.endsWith("]")) {
      return false; // the port is always named: this server never listens on port 80
    }
    return LOOPBACK_NAMES.contains(host.substring(0, colon))
        && host.substring(colon + 1).equals(Integer.toString(port));
  }

  private static boolean isLoopbackOrigin(String origin, int port) {
    return origin.startsWith("http://") && isLoopback(origin.substring("http://".length()), port);
  }

  private static void refuse(HttpServletResponse response, int status, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain;charset=utf-8");
    response.getWriter().println(message);
  }
}
