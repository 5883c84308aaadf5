package dev.memvault.cli.mcp;

import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MessageBody;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON that tools and resources answer with. A memory is the object of {@code --json} ({@link
 * MemoryJson}), so an assistant and a script read the same field names.
 */
final class MemoryViews {
  /** Messages shown with a conversation; a longer one says how many were left out. */
  static final int MAX_MESSAGES = 200;

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private MemoryViews() {}

  static String memory(Memory memory) {
    ObjectNode node = MAPPER.createObjectNode();
    node.set("memory", MemoryJson.object(memory));
    return node.toString();
  }

  /** A memory and, for a conversation, its messages (role and text, in order). */
  static String memoryWithMessages(Memory memory, List<Memory> messages) {
    ObjectNode node = MAPPER.createObjectNode();
    node.set("memory", MemoryJson.object(memory));
    if (!messages.isEmpty()) {
      ArrayNode shown = node.putArray("messages");
      for (Memory message : messages.subList(0, Math.min(messages.size(), MAX_MESSAGES))) {
        shown
            .addObject()
            .put("id", message.getId())
            .put("role", message.getMessage().getRole().name())
            .put("text", MessageBody.of(message));
      }
      if (messages.size() > MAX_MESSAGES) {
        node.put("messages_left_out", messages.size() - MAX_MESSAGES);
      }
    }
    return node.toString();
  }

  static String memories(List<Memory> memories) {
    ObjectNode node = MAPPER.createObjectNode();
    ArrayNode list = node.putArray("memories");
    memories.forEach(memory -> list.add(MemoryJson.object(memory)));
    return node.toString();
  }

  static String searchResults(List<SearchResult> results) {
    ObjectNode node = MAPPER.createObjectNode();
    ArrayNode list = node.putArray("results");
    for (SearchResult result : results) {
      ObjectNode hit = MemoryJson.object(result.memory());
      hit.put("snippet", result.snippet());
      list.add(hit);
    }
    return node.toString();
  }

  static String scopes(List<ScopeSummary> scopes) {
    ObjectNode node = MAPPER.createObjectNode();
    ArrayNode list = node.putArray("scopes");
    for (ScopeSummary scope : scopes) {
      list.addObject().put("scope", scope.name()).put("memories", scope.memories());
    }
    return node.toString();
  }

  static String forgotten(String id) {
    return MAPPER.createObjectNode().put("forgotten", id).toString();
  }
}
