package dev.memvault.sdk;

import com.google.protobuf.Timestamp;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.proto.v1.Embedding;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Part;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON view of a memory that the CLI prints with {@code --json}: snake_case names, lowercase
 * enum names, ISO-8601 UTC times. One object per memory, written on one line.
 */
public final class MemoryJson {
  /**
   * Built at first use, not when the class is: a text listing that only names kinds ({@link
   * #kindName}) does not pay for starting Jackson.
   */
  private static final class Mapper {
    static final JsonMapper INSTANCE = JsonMapper.builder().build();
  }

  private MemoryJson() {}

  public static String line(Memory memory) {
    return Mapper.INSTANCE.writeValueAsString(object(memory));
  }

  public static String line(SearchResult result) {
    ObjectNode node = object(result.memory());
    node.put("snippet", result.snippet());
    // bm25 is lower-is-better; JSON readers expect a relevance where higher is better.
    node.put("score", -result.score());
    return Mapper.INSTANCE.writeValueAsString(node);
  }

  /** Any small object (a scope listing, a summary) as one line. */
  public static String line(Map<String, Object> fields) {
    return Mapper.INSTANCE.writeValueAsString(fields);
  }

  public static ObjectNode object(Memory memory) {
    ObjectNode node = Mapper.INSTANCE.createObjectNode();
    node.put("id", memory.getId());
    node.put("scope", memory.getScope());
    node.put("kind", kindName(memory.getKind()));
    node.put("text", memory.getText());
    ArrayNode tags = node.putArray("tags");
    memory.getTagsList().forEach(tags::add);
    ObjectNode attributes = node.putObject("attributes");
    memory.getAttributesMap().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(entry -> attributes.put(entry.getKey(), entry.getValue()));
    ObjectNode source = node.putObject("source");
    source.put("provider", memory.getSource().getProvider());
    source.put("model", memory.getSource().getModel());
    source.put("app", memory.getSource().getApp());
    source.put("external_id", memory.getSource().getExternalId());
    node.put("created_at", iso(memory.getCreatedAt()));
    node.put("updated_at", iso(memory.getUpdatedAt()));
    node.put("revision", memory.getRevision());
    if (memory.getLinksCount() > 0) {
      ArrayNode links = node.putArray("links");
      for (Link link : memory.getLinksList()) {
        links.addObject().put("target_id", link.getTargetId()).put("relation", link.getRelation());
      }
    }
    if (memory.getEmbeddingsCount() > 0) {
      ArrayNode embeddings = node.putArray("embeddings");
      for (Embedding embedding : memory.getEmbeddingsList()) {
        ObjectNode e = embeddings.addObject();
        e.put("model", embedding.getModel());
        e.put("dimension", embedding.getDimension());
      }
    }
    if (memory.hasConversation()) {
      node.putObject("conversation")
          .put("title", memory.getConversation().getTitle())
          .put("message_count", memory.getConversation().getMessageCount());
    }
    if (memory.hasMessage()) {
      ObjectNode message = node.putObject("message");
      message.put("conversation_id", memory.getMessage().getConversationId());
      message.put("position", memory.getMessage().getPosition());
      message.put("role", memory.getMessage().getRole().name().toLowerCase(Locale.ROOT));
      message.put("author", memory.getMessage().getAuthor());
      message.put("branch", memory.getMessage().getBranch());
      ArrayNode parts = message.putArray("parts");
      for (Part part : memory.getMessage().getPartsList()) {
        ObjectNode p = parts.addObject();
        p.put("type", part.getType().name().toLowerCase(Locale.ROOT));
        p.put("text", part.getText());
        if (!part.getName().isEmpty()) {
          p.put("name", part.getName());
        }
        if (!part.getFileName().isEmpty()) {
          p.put("file_name", part.getFileName());
        }
      }
    }
    return node;
  }

  public static String kindName(Kind kind) {
    return kind == Kind.UNRECOGNIZED ? "unknown" : kind.name().toLowerCase(Locale.ROOT);
  }

  static String iso(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString();
  }
}
