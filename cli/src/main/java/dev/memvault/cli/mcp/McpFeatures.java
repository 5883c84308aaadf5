package dev.memvault.cli.mcp;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;

/**
 * What a memvault MCP server offers whatever its transport: its name and version, the instructions
 * for the model, the tools and the memory resource template. No list changes, subscriptions,
 * prompts or completions are offered, so nothing is announced beyond what the tools answer.
 */
public final class McpFeatures {
  private final MemoryTools tools;
  private final MemoryResources resources;
  private final String version;

  public McpFeatures(ScopedMemories memories, boolean readOnly, String version) {
    this.tools = new MemoryTools(memories, readOnly);
    this.resources = new MemoryResources(memories);
    this.version = version;
  }

  /** Builds a server on {@code specification}, the transport's starting point. */
  McpSyncServer build(McpServer.SyncSpecification<?> specification) {
    return specification
        .serverInfo("memvault", version)
        .instructions(MemoryTools.INSTRUCTIONS)
        .capabilities(ServerCapabilities.builder().tools(false).resources(false, false).build())
        .tools(tools.specifications())
        .resourceTemplates(resources.template())
        .build();
  }
}
