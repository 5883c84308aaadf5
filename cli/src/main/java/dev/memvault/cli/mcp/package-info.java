/**
 * The Model Context Protocol face of a vault: the tools and resources an assistant uses to read and
 * write a person's memories ({@link dev.memvault.cli.mcp.MemoryTools}), confined to the scopes the
 * person chose to serve ({@link dev.memvault.cli.mcp.ScopedMemories}), and the stdio server that
 * carries them ({@link dev.memvault.cli.mcp.StdioMcpServer}).
 *
 * <p>The tool set takes an opened vault and knows nothing of its transport, so that another one
 * (streamable HTTP, a provider's grant) can serve the same tools.
 */
package dev.memvault.cli.mcp;
