package dev.memvault.cli;

import dev.memvault.cli.mcp.BackgroundIndexer;
import dev.memvault.cli.mcp.McpFeatures;
import dev.memvault.cli.mcp.ScopedMemories;
import dev.memvault.cli.mcp.ServedScopes;
import dev.memvault.cli.mcp.StdioMcpServer;
import dev.memvault.sdk.meaning.LocalEmbedder;
import dev.memvault.sdk.sync.GrantReader;
import dev.memvault.sdk.sync.GrantedVault;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "mcp",
    description = {
      "Serve what a grant lets you read to an assistant over the Model Context Protocol on",
      "stdio, with the read-only tools of 'memvault mcp' (search_memories, get_memory,",
      "list_scopes, recent_memories, build_context). The grant is read once, at start:",
      "start it again to see what the person wrote since. Logs go to standard error."
    })
final class ProviderMcpCommand implements Callable<Integer> {
  @ParentCommand ProviderCommand parent;
  @Mixin GrantAccessOptions access;

  @Override
  public Integer call() throws InterruptedException {
    CliContext context = parent.root.context;
    try (GrantReader reader = access.connect();
        GrantedVault granted = GrantedVault.read(reader)) {
      context
          .err()
          .println(
              "memvault provider mcp: serving "
                  + granted.read().memories().size()
                  + " granted memories, read-only, until standard input closes");
      // Standard output carries protocol messages only.
      OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
      PrintStream systemOut = System.out;
      System.setOut(System.err);
      // What the grant reads is indexed for meaning in the background, as a person's vault is
      // under memvault mcp; the provider's searches use it as it comes.
      granted.vault().useEmbedder(LocalEmbedder.fromEnvironment(context.environment()));
      try (BackgroundIndexer indexer =
          new BackgroundIndexer(granted.vault(), context.err(), true)) {
        indexer.request();
        McpFeatures features =
            new McpFeatures(
                new ScopedMemories(granted.vault(), ServedScopes.all()), true, version());
        new StdioMcpServer(features).serve(context.in(), protocolOut);
      } finally {
        System.setOut(systemOut);
      }
    }
    return Main.OK;
  }

  private String version() {
    String[] version = parent.root.spec.version();
    return version.length == 0 ? "0" : version[0].replaceFirst("^memvault ", "");
  }
}
