package dev.memvault.cli.mcp;

import dev.memvault.proto.v1.Memory;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.util.List;
import java.util.Optional;

/**
 * Each memory of the served scopes as a resource, {@code memvault://memory/{id}}, read as the same
 * JSON that {@code get_memory} answers. Resources are not listed one by one (a vault holds tens of
 * thousands); an assistant finds ids with the tools. An id outside the served scopes reads as "not
 * found", exactly as one that does not exist.
 */
public final class MemoryResources {
  public static final String URI_PREFIX = "memvault://memory/";
  public static final String URI_TEMPLATE = URI_PREFIX + "{id}";

  private final ScopedMemories memories;

  public MemoryResources(ScopedMemories memories) {
    this.memories = memories;
  }

  public SyncResourceTemplateSpecification template() {
    ResourceTemplate template =
        ResourceTemplate.builder(URI_TEMPLATE, "memory")
            .title("A memory")
            .description(
                "One memory of the user's vault by id, as JSON; a past conversation comes with"
                    + " its messages.")
            .mimeType("application/json")
            .build();
    return new SyncResourceTemplateSpecification(
        template, (exchange, request) -> read(request.uri()));
  }

  /**
   * @throws McpError resource not found, for an unknown or unserved id alike
   */
  ReadResourceResult read(String uri) {
    Optional<Memory> memory =
        uri.startsWith(URI_PREFIX)
            ? memories.find(uri.substring(URI_PREFIX.length()))
            : Optional.empty();
    if (memory.isEmpty()) {
      throw McpError.RESOURCE_NOT_FOUND.apply(uri);
    }
    String json = MemoryViews.memoryWithMessages(memory.get(), memories.messages(memory.get()));
    return ReadResourceResult.builder(
            List.of(TextResourceContents.builder(uri, json).mimeType("application/json").build()))
        .build();
  }
}
