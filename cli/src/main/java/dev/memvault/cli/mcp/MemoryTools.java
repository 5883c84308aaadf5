package dev.memvault.cli.mcp;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.portable.context.ContextRequest;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The tools an assistant uses on the vault: search, read, list scopes, recent memories and a
 * context block, and, unless read-only, add, update and forget. Each answers with JSON text (a
 * context block with plain text) or, when the request cannot be done, an error result with one
 * sentence; every read and write goes through {@link ScopedMemories}, so nothing outside the served
 * scopes shows. A read-only tool set does not list the writing tools at all.
 *
 * <p>Independent of the transport: stdio serves {@link #specifications()} today, and another
 * transport can serve the same list.
 */
public final class MemoryTools {
  public static final int DEFAULT_SEARCH_LIMIT = 10;
  public static final int MAX_SEARCH_LIMIT = 50;
  public static final int DEFAULT_RECENT_LIMIT = 10;
  public static final int MAX_RECENT_LIMIT = 100;

  /** The largest context block a tool call may ask for. */
  public static final int MAX_CONTEXT_CHARS = 20_000;

  /** What the server tells a model about itself when a session starts. */
  public static final String INSTRUCTIONS =
      "memvault is the user's own encrypted memory vault: facts about them, their preferences,"
          + " standing instructions, notes, and their past conversations with AI assistants."
          + " At the start of a task about the user (plans, advice, writing in their voice),"
          + " call build_context with the topic. Before answering anything that depends on who"
          + " the user is or what they said before, call search_memories. When the user states"
          + " a lasting preference, fact or instruction, or asks you to remember something,"
          + " call add_memory (if it is offered). Never store secrets such as passwords.";

  private static final System.Logger LOG = System.getLogger(MemoryTools.class.getName());

  private final ScopedMemories memories;
  private final boolean readOnly;

  public MemoryTools(ScopedMemories memories, boolean readOnly) {
    this.memories = memories;
    this.readOnly = readOnly;
  }

  /** What a tool does to the vault, for the hints a client shows and read-only mode. */
  private enum Effect {
    READS,
    WRITES,
    DELETES
  }

  /** One tool: its name, what a model reads about it, its input schema and what it does. */
  private record Definition(
      String name,
      String title,
      String description,
      Map<String, Object> schema,
      Effect effect,
      Function<ToolArguments, String> action) {}

  /** The tools this server offers, in the order a model should consider them. */
  public List<SyncToolSpecification> specifications() {
    List<SyncToolSpecification> result = new ArrayList<>();
    for (Definition definition : definitions()) {
      if (definition.effect() != Effect.READS && readOnly) {
        continue;
      }
      Tool tool =
          Tool.builder(definition.name(), definition.schema())
              .title(definition.title())
              .description(definition.description())
              .annotations(
                  ToolAnnotations.builder()
                      .title(definition.title())
                      .readOnlyHint(definition.effect() == Effect.READS)
                      .destructiveHint(definition.effect() == Effect.DELETES)
                      .openWorldHint(false)
                      .build())
              .build();
      result.add(
          SyncToolSpecification.builder()
              .tool(tool)
              .callHandler((exchange, request) -> call(definition, request.arguments()))
              .build());
    }
    return result;
  }

  private CallToolResult call(Definition definition, Map<String, Object> arguments) {
    try {
      String answer = definition.action().apply(new ToolArguments(arguments));
      return CallToolResult.builder().addTextContent(answer).isError(false).build();
    } catch (ToolError e) {
      return error(e.getMessage());
    } catch (VaultException.InvalidInput e) {
      // The vault's checks of what was asked (empty text, a tag with spaces, a query without
      // words) quote only the request itself.
      return error(e.getMessage());
    } catch (RuntimeException e) {
      // Other failures may name scopes or files: the model gets a fixed sentence, the log the
      // detail.
      LOG.log(System.Logger.Level.WARNING, definition.name() + " failed", e);
      return error("the vault could not do this; the memvault server's log says why");
    }
  }

  private static CallToolResult error(String message) {
    return CallToolResult.builder().addTextContent(message).isError(true).build();
  }

  private List<Definition> definitions() {
    return List.of(
        new Definition(
            "search_memories",
            "Search memories",
            "Full-text search of the user's memories and past conversations, best match first."
                + " Use it before answering anything that depends on the user's preferences,"
                + " facts about them, earlier decisions or what they said in past chats. Every"
                + " word must match; \"quotes\" keep a phrase; word* matches a prefix. Try a"
                + " shorter query or a synonym when nothing matches. A hit inside a past"
                + " conversation returns the conversation with the matching excerpt as"
                + " 'snippet'; get_memory reads it whole.",
            schema(
                properties(
                    "query", string("What to look for, in the user's words."),
                    "scope",
                        string("Only this scope (see list_scopes); default: every served one."),
                    "limit",
                        integer(
                            "At most this many results (default " + DEFAULT_SEARCH_LIMIT + ").",
                            1,
                            MAX_SEARCH_LIMIT)),
                "query"),
            Effect.READS,
            this::search),
        new Definition(
            "get_memory",
            "Read a memory",
            "One memory by its id, with its text, kind, tags, source and dates; a past"
                + " conversation comes with its messages. Use it to read a search hit in full.",
            schema(
                properties("id", string("The memory's id, as a search or listing gave it.")), "id"),
            Effect.READS,
            this::get),
        new Definition(
            "list_scopes",
            "List scopes",
            "The scopes (such as personal or work) this server shows, with how many memories"
                + " each holds. Use it to pick a scope for search_memories or add_memory.",
            schema(properties()),
            Effect.READS,
            arguments -> MemoryViews.scopes(memories.scopes())),
        new Definition(
            "recent_memories",
            "Recent memories",
            "The most recently added or changed memories, newest first. Use it to catch up on"
                + " what the user told assistants lately.",
            schema(
                properties(
                    "limit",
                    integer(
                        "At most this many (default " + DEFAULT_RECENT_LIMIT + ").",
                        1,
                        MAX_RECENT_LIMIT))),
            Effect.READS,
            arguments ->
                MemoryViews.memories(
                    memories.recent(
                        arguments.number("limit", DEFAULT_RECENT_LIMIT, 1, MAX_RECENT_LIMIT)))),
        new Definition(
            "build_context",
            "Build context",
            "A compact plain-text block of what the vault knows that matters for a topic: the"
                + " user's instructions and preferences first, then matching facts and notes,"
                + " then excerpts of past conversations, each line with its source and date."
                + " Call it at the start of a task about the user and follow it.",
            schema(
                properties(
                    "topic", string("What the conversation ahead is about."),
                    "max_chars",
                        integer(
                            "At most this many characters (default "
                                + ContextRequest.DEFAULT_MAX_CHARS
                                + ").",
                            ContextRequest.MIN_MAX_CHARS,
                            MAX_CONTEXT_CHARS)),
                "topic"),
            Effect.READS,
            arguments ->
                memories.context(
                    arguments.text("topic"),
                    arguments.number(
                        "max_chars",
                        ContextRequest.DEFAULT_MAX_CHARS,
                        ContextRequest.MIN_MAX_CHARS,
                        MAX_CONTEXT_CHARS))),
        new Definition(
            "add_memory",
            "Remember",
            "Stores a new memory. Call it when the user states something lasting about"
                + " themselves (kind 'fact': 'my daughter is called Ana'), a taste or habit"
                + " ('preference': 'I am vegetarian', 'prefers short answers'), a rule for"
                + " assistants ('instruction': 'answer in British English'), or asks you to"
                + " remember something ('note'). One idea per memory, in the user's own terms,"
                + " written so it makes sense without this conversation. Search first and use"
                + " update_memory instead when a memory already says nearly the same. Never"
                + " store passwords, keys or other secrets.",
            schema(
                properties(
                    "text", string("The memory, one self-contained sentence or a few."),
                    "scope", string("The scope to keep it in (see list_scopes)."),
                    "kind",
                        Map.of(
                            "type",
                            "string",
                            "enum",
                            List.of("fact", "preference", "instruction", "note"),
                            "description",
                            "What it is (default note)."),
                    "tags",
                        Map.of(
                            "type",
                            "array",
                            "items",
                            Map.of("type", "string"),
                            "description",
                            "Short labels without spaces, such as diet or travel.")),
                "text",
                "scope"),
            Effect.WRITES,
            this::add),
        new Definition(
            "update_memory",
            "Correct a memory",
            "Replaces the text of a memory with a corrected one; the earlier text stays in its"
                + " history. Use it when the user corrects or changes something the vault"
                + " holds.",
            schema(
                properties(
                    "id", string("The memory's id."),
                    "text", string("The whole new text.")),
                "id",
                "text"),
            Effect.WRITES,
            this::update),
        new Definition(
            "forget_memory",
            "Forget a memory",
            "Deletes a memory with its history. Only when the user asks to forget it.",
            schema(properties("id", string("The memory's id.")), "id"),
            Effect.DELETES,
            this::forget));
  }

  private String search(ToolArguments arguments) {
    return MemoryViews.searchResults(
        memories.search(
            arguments.text("query"),
            arguments.optionalText("scope"),
            arguments.number("limit", DEFAULT_SEARCH_LIMIT, 1, MAX_SEARCH_LIMIT)));
  }

  private String get(ToolArguments arguments) {
    String id = arguments.text("id");
    Memory memory = memories.find(id).orElseThrow(() -> noMemory(id));
    return MemoryViews.memoryWithMessages(memory, memories.messages(memory));
  }

  private String add(ToolArguments arguments) {
    String kindName = arguments.optionalText("kind").orElse("note");
    Kind kind =
        switch (kindName.toLowerCase(Locale.ROOT)) {
          case "fact" -> Kind.FACT;
          case "preference" -> Kind.PREFERENCE;
          case "instruction" -> Kind.INSTRUCTION;
          case "note" -> Kind.NOTE;
          default ->
              throw new ToolError(
                  "'kind' must be one of fact, preference, instruction or note, not '"
                      + kindName
                      + "'");
        };
    NewMemory memory =
        NewMemory.of(arguments.text("scope"), kind, arguments.text("text"))
            .withTags(arguments.texts("tags"))
            .withSource(Source.newBuilder().setProvider("memvault").setApp("memvault-mcp").build());
    return MemoryViews.memory(memories.add(memory));
  }

  private String update(ToolArguments arguments) {
    String id = arguments.text("id");
    return MemoryViews.memory(
        memories.update(id, arguments.text("text")).orElseThrow(() -> noMemory(id)));
  }

  private String forget(ToolArguments arguments) {
    String id = arguments.text("id");
    if (!memories.forget(id)) {
      throw noMemory(id);
    }
    return MemoryViews.forgotten(id);
  }

  /** The one answer for an id that does not exist, was forgotten, or is in an unserved scope. */
  private static ToolError noMemory(String id) {
    return new ToolError("no memory with id '" + id + "'");
  }

  private static Map<String, Object> schema(Map<String, Object> properties, String... required) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", List.of(required));
    schema.put("additionalProperties", false);
    return schema;
  }

  /** Properties in the order given: name, schema, name, schema... */
  private static Map<String, Object> properties(Object... nameThenSchema) {
    Map<String, Object> properties = new LinkedHashMap<>();
    for (int i = 0; i < nameThenSchema.length; i += 2) {
      properties.put((String) nameThenSchema[i], nameThenSchema[i + 1]);
    }
    return properties;
  }

  private static Map<String, Object> string(String description) {
    return Map.of("type", "string", "description", description);
  }

  private static Map<String, Object> integer(String description, int min, int max) {
    return Map.of("type", "integer", "minimum", min, "maximum", max, "description", description);
  }
}
