package dev.memvault.sdk;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON of a memory that the CLI prints with {@code --json} and the MCP server answers with: the
 * JSON form of docs/FORMAT.md section 5, which the JSONL export's {@code revisions} use too
 * (lowerCamelCase names, enum value names such as {@code PREFERENCE}, {@code revision} as a decimal
 * string), with every field that has no presence written even when empty, so that a script finds
 * {@code tags} on every memory. Left out: embedding values (an embedding shows its {@code model}
 * and {@code dimension}) and the merge clock {@code hlc}, which differs between a memory and its
 * copy imported into another vault. One object per memory, written on one line.
 */
public final class MemoryJson {
  /**
   * Built at first use, not when the class is: a text listing that only names kinds ({@link
   * #kindName}) does not pay for starting Jackson.
   */
  private static final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
    static final JsonFormat.Printer PRINTER =
        JsonFormat.printer().omittingInsignificantWhitespace().alwaysPrintFieldsWithNoPresence();
  }

  private MemoryJson() {}

  public static String line(Memory memory) {
    return Json.MAPPER.writeValueAsString(object(memory));
  }

  public static String line(SearchResult result) {
    ObjectNode node = object(result.memory());
    node.put("snippet", result.snippet());
    // bm25 is lower-is-better; JSON readers expect a relevance where higher is better.
    node.put("score", -result.score());
    return Json.MAPPER.writeValueAsString(node);
  }

  /** Any small object (a scope listing, a summary) as one line. */
  public static String line(Map<String, Object> fields) {
    return Json.MAPPER.writeValueAsString(fields);
  }

  public static ObjectNode object(Memory memory) {
    Memory.Builder shown = memory.toBuilder();
    for (int i = 0; i < shown.getEmbeddingsCount(); i++) {
      shown.setEmbeddings(i, shown.getEmbeddings(i).toBuilder().clearValues());
    }
    try {
      ObjectNode object = (ObjectNode) Json.MAPPER.readTree(Json.PRINTER.print(shown));
      object.remove("hlc");
      for (JsonNode embedding : object.path("embeddings")) {
        ((ObjectNode) embedding).remove("values");
      }
      return object;
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields can fail to print, and Memory has none.
      throw new IllegalStateException("a memory could not be written as JSON", e);
    }
  }

  /** A kind as the text listing shows it: lowercase ({@code preference}), "unknown" if newer. */
  public static String kindName(Kind kind) {
    return kind == Kind.UNRECOGNIZED ? "unknown" : kind.name().toLowerCase(Locale.ROOT);
  }
}
