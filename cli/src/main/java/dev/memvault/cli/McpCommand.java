package dev.memvault.cli;

import dev.memvault.cli.mcp.AccessToken;
import dev.memvault.cli.mcp.BackgroundIndexer;
import dev.memvault.cli.mcp.HttpMcpServer;
import dev.memvault.cli.mcp.McpFeatures;
import dev.memvault.cli.mcp.ScopedMemories;
import dev.memvault.cli.mcp.ServedScopes;
import dev.memvault.cli.mcp.StdioMcpServer;
import dev.memvault.core.VaultException;
import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.meaning.LocalEmbedder;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the vault to an assistant over the Model Context Protocol.",
      "",
      "By default on stdio: the assistant starts this command itself and speaks MCP on",
      "its standard input and output; logs go to standard error. The vault is unlocked",
      "once, at start, with the passphrase in MEMVAULT_PASSPHRASE (set it in the",
      "assistant's MCP configuration: standard input carries the protocol).",
      "",
      "With --http 127.0.0.1:PORT: streamable HTTP at /mcp on that loopback address,",
      "until stopped (Ctrl-C). Every request needs 'Authorization: Bearer TOKEN' with",
      "the token printed at start (or the one in --token-file); requests with another",
      "Host or a web page's Origin are refused.",
      "",
      "Tools: search_memories, get_memory, list_scopes, recent_memories,",
      "build_context, and unless --read-only: add_memory, update_memory,",
      "forget_memory. Each memory is also a resource, memvault://memory/{id}.",
      "With --scope, nothing outside the named scopes is shown or changed.",
      "",
      "Example: memvault mcp --scope work --read-only"
    })
final class McpCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "Serve only this scope; repeat for several (default: every scope).")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = "--read-only",
      description = "Offer no tool that adds, changes or forgets a memory.")
  boolean readOnly;

  @Option(
      names = "--no-index",
      description =
          "Do not index new memories for search by meaning in the background (search by"
              + " meaning then covers what 'memvault index' indexed).")
  boolean noIndex;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      description =
          "Serve streamable HTTP on this loopback address instead of stdio, such as"
              + " 127.0.0.1:8765 (port 0: any free port).")
  String http;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "With --http: the bearer token is the first line of FILE (default: a new one,"
              + " printed at start).")
  Path tokenFile;

  @Override
  public Integer call() throws InterruptedException, IOException {
    // Checked before opening, so a typo costs no key derivation.
    if (tokenFile != null && http == null) {
      throw new Main.UsageException("--token-file goes with --http");
    }
    ServedScopes served = ServedScopes.of(scopes);
    if (http == null) {
      return serveStdio(served);
    }
    InetSocketAddress address = loopbackAddress(http);
    AccessToken token = tokenFile == null ? AccessToken.generate(new SecureRandom()) : readToken();
    return serveHttp(served, address, token);
  }

  private int serveStdio(ServedScopes served) throws InterruptedException {
    CliContext context = vault.context();
    String passphrase = context.environment().get(Secrets.PASSPHRASE);
    if (passphrase == null) {
      throw new VaultException.InvalidInput(
          "memvault mcp reads the passphrase from "
              + Secrets.PASSPHRASE
              + " only (its standard input is the protocol): set it in the assistant's MCP"
              + " configuration");
    }
    char[] secret = passphrase.toCharArray();
    MemoryVault opened;
    try {
      opened = MemoryVault.open(vault.directory(), secret, vault.rebuildMessages());
    } finally {
      Arrays.fill(secret, '\0');
    }
    opened.useEmbedder(LocalEmbedder.fromEnvironment(context.environment()));
    opened.openNotice().ifPresent(notice -> context.err().println("memvault: " + notice));
    // Standard output carries protocol messages only: anything printed by mistake goes to
    // standard error instead, where it cannot break the client's parser.
    OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
    PrintStream systemOut = System.out;
    System.setOut(System.err);
    try (opened;
        BackgroundIndexer indexer = indexer(context, opened)) {
      announce(context, opened, served, "until standard input closes");
      new StdioMcpServer(features(opened, served, indexer)).serve(context.in(), protocolOut);
    } finally {
      System.setOut(systemOut);
    }
    return Main.OK;
  }

  /** Serves until the process is stopped; a shutdown hook closes the server, then the vault. */
  private int serveHttp(ServedScopes served, InetSocketAddress address, AccessToken token)
      throws InterruptedException, IOException {
    CliContext context = vault.context();
    MemoryVault opened = vault.open();
    BackgroundIndexer indexer = indexer(context, opened);
    HttpMcpServer server;
    try {
      server = HttpMcpServer.start(features(opened, served, indexer), address, token);
    } catch (IOException | RuntimeException e) {
      indexer.close();
      opened.close();
      throw new VaultException.InvalidInput("cannot listen on " + http + ": " + e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  indexer.close();
                  opened.close();
                  stopped.countDown();
                },
                "memvault-mcp-stop"));
    announce(context, opened, served, "until stopped (Ctrl-C)");
    context.out().println("MCP endpoint: " + server.endpoint());
    if (tokenFile == null) {
      context.out().println("Bearer token: " + token.reveal());
    }
    context.out().flush();
    stopped.await();
    return Main.OK;
  }

  private McpFeatures features(MemoryVault opened, ServedScopes served, BackgroundIndexer indexer) {
    indexer.request();
    return new McpFeatures(
        new ScopedMemories(opened, served, indexer::request), readOnly, version());
  }

  /** Indexes for meaning in the background unless told not to (then it never runs). */
  private BackgroundIndexer indexer(CliContext context, MemoryVault opened) {
    return new BackgroundIndexer(opened, context.err(), !noIndex);
  }

  private void announce(CliContext context, MemoryVault opened, ServedScopes served, String until) {
    Set<String> existing =
        opened.scopes().stream().map(ScopeSummary::name).collect(Collectors.toSet());
    for (String name : served.names()) {
      if (!existing.contains(name)) {
        context
            .err()
            .println(
                "memvault mcp: scope '"
                    + name
                    + "' holds no memories yet (add_memory creates it; check its spelling)");
      }
    }
    context
        .err()
        .println(
            "memvault mcp: serving "
                + (served.servesAll() ? "every scope" : "scopes " + served.names())
                + (readOnly ? ", read-only," : "")
                + " of "
                + opened.directory()
                + " "
                + until);
  }

  /** {@code HOST:PORT} with a loopback host (an address, or localhost), else a usage error. */
  private static InetSocketAddress loopbackAddress(String value) {
    String problem =
        "--http takes a loopback address and a port, such as 127.0.0.1:8765, not '"
            + value
            + "': this server is for programs on this machine only";
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new Main.UsageException(problem);
    }
    String host = value.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new Main.UsageException(problem);
    }
    boolean literal = host.equals("localhost") || host.matches("[0-9.]+|[0-9a-fA-F:]+");
    InetAddress address;
    try {
      address = literal ? InetAddress.getByName(host) : null;
    } catch (UnknownHostException e) {
      address = null;
    }
    if (address == null || !address.isLoopbackAddress() || port < 0 || port > 65_535) {
      throw new Main.UsageException(problem);
    }
    return new InetSocketAddress(address, port);
  }

  private AccessToken readToken() {
    try {
      return AccessToken.fromFile(tokenFile);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    } catch (IOException e) {
      throw new Main.UsageException("cannot read the token file " + tokenFile + ": " + reason(e));
    }
  }

  private static String reason(Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private String version() {
    String[] version = vault.command.root().version();
    return version.length == 0 ? "0" : version[0].replaceFirst("^memvault ", "");
  }
}
