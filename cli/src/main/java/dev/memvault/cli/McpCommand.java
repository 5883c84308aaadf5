package dev.memvault.cli;

import dev.memvault.cli.mcp.MemoryResources;
import dev.memvault.cli.mcp.MemoryTools;
import dev.memvault.cli.mcp.ScopedMemories;
import dev.memvault.cli.mcp.ServedScopes;
import dev.memvault.cli.mcp.StdioMcpServer;
import dev.memvault.core.VaultException;
import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.sdk.MemoryVault;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the vault to an AI assistant over the Model Context Protocol (stdio).",
      "The assistant starts this command itself and speaks MCP on its standard input",
      "and output; logs go to standard error. The vault is unlocked once, at start,",
      "with the passphrase in MEMVAULT_PASSPHRASE (set it in the assistant's MCP",
      "configuration: standard input carries the protocol, so there is no prompt).",
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

  @Override
  public Integer call() throws InterruptedException {
    CliContext context = vault.context();
    String passphrase = context.environment().get(Secrets.PASSPHRASE);
    if (passphrase == null) {
      throw new VaultException.InvalidInput(
          "memvault mcp reads the passphrase from "
              + Secrets.PASSPHRASE
              + " only (its standard input is the protocol): set it in the assistant's MCP"
              + " configuration");
    }
    ServedScopes served = ServedScopes.of(scopes);
    char[] secret = passphrase.toCharArray();
    MemoryVault opened;
    try {
      opened = MemoryVault.open(vault.directory(), secret, vault.rebuildMessages());
    } finally {
      Arrays.fill(secret, '\0');
    }
    // Standard output carries protocol messages only: anything printed by mistake goes to
    // standard error instead, where it cannot break the client's parser.
    OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
    PrintStream systemOut = System.out;
    System.setOut(System.err);
    try (opened) {
      warnOfEmptyScopes(context, opened, served);
      context
          .err()
          .println(
              "memvault mcp: serving "
                  + (served.servesAll() ? "every scope" : "scopes " + served.names())
                  + (readOnly ? ", read-only," : "")
                  + " of "
                  + opened.directory()
                  + " until standard input closes");
      ScopedMemories memories = new ScopedMemories(opened, served);
      new StdioMcpServer(
              new MemoryTools(memories, readOnly), new MemoryResources(memories), version())
          .serve(context.in(), protocolOut);
    } finally {
      System.setOut(systemOut);
    }
    return Main.OK;
  }

  private static void warnOfEmptyScopes(CliContext context, MemoryVault opened, ServedScopes s) {
    Set<String> existing =
        opened.scopes().stream().map(ScopeSummary::name).collect(Collectors.toSet());
    for (String name : s.names()) {
      if (!existing.contains(name)) {
        context
            .err()
            .println(
                "memvault mcp: scope '"
                    + name
                    + "' holds no memories yet (add_memory creates it; check its spelling)");
      }
    }
  }

  private String version() {
    String[] version = vault.command.root().version();
    return version.length == 0 ? "0" : version[0].replaceFirst("^memvault ", "");
  }
}
