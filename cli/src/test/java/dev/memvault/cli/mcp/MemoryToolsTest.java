package dev.memvault.cli.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.v1.Conversation;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool set and the memory resource on a real vault, called as the MCP server calls them; above
 * all, that serving some scopes shows nothing of the others. The fixture's "personal" scope is the
 * one not served: every answer about it must read exactly as an answer about something that does
 * not exist.
 */
class MemoryToolsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String UNKNOWN_ID = "00000000-0000-7000-8000-000000000000";

  @TempDir Path directory;

  private MemoryVault vault;
  private String tabs;
  private String vegetarian;
  private String forgotten;
  private String conversation;
  private String message;

  @BeforeEach
  void createVault() {
    vault =
        MemoryVault.create(directory.resolve("vault"), "tools passphrase".toCharArray()).vault();
    tabs = vault.add(NewMemory.of("work", Kind.PREFERENCE, "I prefer tabs over spaces")).getId();
    vault.add(NewMemory.of("work", Kind.NOTE, "Standup at 9:30 on weekdays"));
    vegetarian = vault.add(NewMemory.of("personal", Kind.FACT, "I am vegetarian")).getId();
    vault.add(NewMemory.of("personal", Kind.INSTRUCTION, "Answer in British English"));
    forgotten = vault.add(NewMemory.of("personal", Kind.NOTE, "Old locker code")).getId();
    vault.forget(forgotten);
    conversation =
        vault
            .transactions()
            .write(
                writes ->
                    writes.add(
                        Memory.newBuilder()
                            .setScope("personal")
                            .setKind(Kind.CONVERSATION)
                            .setConversation(Conversation.newBuilder().setTitle("Lisbon in May"))
                            .build()))
            .getId();
    String said = "We planned vegetarian food in Lisbon and tram 28";
    message =
        vault
            .transactions()
            .write(
                writes ->
                    writes.add(
                        Memory.newBuilder()
                            .setScope("personal")
                            .setKind(Kind.MESSAGE)
                            .setText(said)
                            .setMessage(
                                Message.newBuilder()
                                    .setConversationId(conversation)
                                    .setRole(Role.USER)
                                    .addParts(
                                        Part.newBuilder().setType(PartType.TEXT).setText(said)))
                            .build()))
            .getId();
  }

  @AfterEach
  void closeVault() {
    vault.close();
  }

  @Test
  void specifications_readWrite_offerEveryToolInOrder() {
    assertEquals(
        List.of(
            "search_memories",
            "get_memory",
            "list_scopes",
            "recent_memories",
            "build_context",
            "add_memory",
            "update_memory",
            "forget_memory"),
        toolNames(tools(ServedScopes.all(), false)));
  }

  @Test
  void specifications_readOnly_offerNoWritingTool() {
    assertEquals(
        List.of("search_memories", "get_memory", "list_scopes", "recent_memories", "build_context"),
        toolNames(tools(ServedScopes.all(), true)));
  }

  @Test
  void specifications_annotations_markTheReadingToolsAndTheDeletingOne() {
    Set<String> reading =
        Set.of("search_memories", "get_memory", "list_scopes", "recent_memories", "build_context");
    for (SyncToolSpecification tool : tools(ServedScopes.all(), false)) {
      String name = tool.tool().name();
      assertEquals(reading.contains(name), tool.tool().annotations().readOnlyHint(), name);
      assertEquals(name.equals("forget_memory"), tool.tool().annotations().destructiveHint(), name);
    }
  }

  @Test
  void getMemory_idInUnservedScope_answersAsUnknownId() {
    Map<String, SyncToolSpecification> tools = work(false);
    CallToolResult unknown = call(tools, "get_memory", Map.of("id", UNKNOWN_ID));
    assertTrue(unknown.isError());
    for (String hidden : List.of(vegetarian, forgotten, conversation, message)) {
      CallToolResult answer = call(tools, "get_memory", Map.of("id", hidden));
      assertTrue(answer.isError(), hidden);
      assertEquals(text(unknown).replace(UNKNOWN_ID, "ID"), text(answer).replace(hidden, "ID"));
    }
  }

  @Test
  void updateAndForget_idInUnservedScope_answerAsUnknownIdAndChangeNothing() {
    Map<String, SyncToolSpecification> tools = work(false);
    String unknownUpdate =
        text(call(tools, "update_memory", Map.of("id", UNKNOWN_ID, "text", "changed")));
    String unknownForget = text(call(tools, "forget_memory", Map.of("id", UNKNOWN_ID)));

    CallToolResult update = call(tools, "update_memory", Map.of("id", vegetarian, "text", "x y"));
    CallToolResult forget = call(tools, "forget_memory", Map.of("id", vegetarian));

    assertTrue(update.isError());
    assertTrue(forget.isError());
    assertEquals(unknownUpdate.replace(UNKNOWN_ID, "ID"), text(update).replace(vegetarian, "ID"));
    assertEquals(unknownForget.replace(UNKNOWN_ID, "ID"), text(forget).replace(vegetarian, "ID"));
    Memory kept = vault.get(vegetarian);
    assertEquals("I am vegetarian", kept.getText());
    assertEquals(1, kept.getRevision());
  }

  @Test
  void searchMemories_someScopesServed_findsNothingElsewhere() {
    Map<String, SyncToolSpecification> tools = work(true);

    JsonNode vegetarianHits = json(call(tools, "search_memories", Map.of("query", "vegetarian")));
    JsonNode tramHits = json(call(tools, "search_memories", Map.of("query", "tram")));
    JsonNode tabsHits = json(call(tools, "search_memories", Map.of("query", "tabs")));

    assertEquals(0, vegetarianHits.get("results").size());
    assertEquals(0, tramHits.get("results").size());
    assertEquals(1, tabsHits.get("results").size());
    assertEquals(tabs, tabsHits.get("results").get(0).get("id").asString());
    assertEquals(
        "I prefer [tabs] over spaces", tabsHits.get("results").get(0).get("snippet").asString());
  }

  @Test
  void searchMemories_unservedScope_answersAsMissingScope() {
    Map<String, SyncToolSpecification> tools = work(true);

    CallToolResult hidden =
        call(tools, "search_memories", Map.of("query", "vegetarian", "scope", "personal"));
    CallToolResult missing =
        call(tools, "search_memories", Map.of("query", "vegetarian", "scope", "nowhere"));

    assertTrue(hidden.isError());
    assertEquals("no scope named 'nowhere'; scopes: work", text(missing));
    assertEquals(text(missing).replace("nowhere", "S"), text(hidden).replace("personal", "S"));
  }

  @Test
  void searchMemories_everyScopeServed_findsMessagesOfConversations() {
    JsonNode hits =
        json(call(byName(tools(ServedScopes.all(), true)), "search_memories", queryTram()));

    assertEquals(1, hits.get("results").size());
    assertEquals(conversation, hits.get("results").get(0).get("id").asString());
  }

  @Test
  void listScopes_someScopesServed_listsThoseOnlyWithEmptyOnesAtZero() {
    Map<String, SyncToolSpecification> tools =
        byName(tools(ServedScopes.of(List.of("work", "ideas")), true));

    JsonNode scopes = json(call(tools, "list_scopes", Map.of())).get("scopes");

    assertEquals(
        "[{\"scope\":\"ideas\",\"memories\":0},{\"scope\":\"work\",\"memories\":2}]",
        scopes.toString());
  }

  @Test
  void recentMemories_someScopesServed_listsServedScopesOnly() {
    JsonNode memories =
        json(call(work(true), "recent_memories", Map.of("limit", 100))).get("memories");

    assertEquals(2, memories.size());
    for (JsonNode memory : memories) {
      assertEquals("work", memory.get("scope").asString());
    }
  }

  @Test
  void recentMemories_everyScopeServed_newestFirstWithinLimit() {
    Map<String, SyncToolSpecification> tools = byName(tools(ServedScopes.all(), true));
    JsonNode memories = json(call(tools, "recent_memories", Map.of("limit", 2))).get("memories");

    assertEquals(2, memories.size());
    assertEquals(conversation, memories.get(0).get("id").asString());
  }

  @Test
  void buildContext_someScopesServed_leavesOutOtherScopesEvenStandingOnes() {
    String block =
        text(call(work(true), "build_context", Map.of("topic", "vegetarian food in Lisbon")));

    assertTrue(block.contains("I prefer tabs over spaces"), block);
    assertFalse(block.contains("British"), block);
    assertFalse(block.contains("vegetarian"), block);
    assertFalse(block.contains("Lisbon"), block);
  }

  @Test
  void buildContext_servedScopeWithoutMemories_neverFallsBackToEveryScope() {
    Map<String, SyncToolSpecification> tools =
        byName(tools(ServedScopes.of(List.of("ideas")), true));

    String block = text(call(tools, "build_context", Map.of("topic", "tabs vegetarian")));

    assertEquals(
        "What I know about you (from memvault):\n\n(the served scopes hold no memories yet)\n",
        block);
  }

  @Test
  void addMemory_servedScope_isFoundBySearchAndGetWithItsKindAndTags() {
    Map<String, SyncToolSpecification> tools = work(false);
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("text", "Prefers code samples in Kotlin");
    arguments.put("scope", "work");
    arguments.put("kind", "preference");
    arguments.put("tags", List.of("coding"));

    JsonNode added = json(call(tools, "add_memory", arguments)).get("memory");
    String id = added.get("id").asString();
    JsonNode found = json(call(tools, "get_memory", Map.of("id", id))).get("memory");
    JsonNode hits = json(call(tools, "search_memories", Map.of("query", "Kotlin")));

    assertEquals("PREFERENCE", found.get("kind").asString());
    assertEquals("[\"coding\"]", found.get("tags").toString());
    assertEquals("memvault-mcp", found.get("source").get("app").asString());
    assertEquals(id, hits.get("results").get(0).get("id").asString());
  }

  @Test
  void addMemory_unservedScope_isRefusedAndAddsNothing() {
    Map<String, SyncToolSpecification> tools = work(false);
    int before = vault.list(dev.memvault.core.vault.Selection.all().inScope("personal")).size();

    CallToolResult answer =
        call(tools, "add_memory", Map.of("text", "Likes figs", "scope", "personal"));

    assertTrue(answer.isError());
    assertEquals("scope 'personal' is not served here; add to one of: work", text(answer));
    assertEquals(
        before, vault.list(dev.memvault.core.vault.Selection.all().inScope("personal")).size());
  }

  @Test
  void updateAndForget_servedMemory_changeItAndThenItIsGone() {
    Map<String, SyncToolSpecification> tools = work(false);

    JsonNode updated =
        json(call(tools, "update_memory", Map.of("id", tabs, "text", "I prefer spaces now")));
    CallToolResult forget = call(tools, "forget_memory", Map.of("id", tabs));
    CallToolResult after = call(tools, "get_memory", Map.of("id", tabs));

    assertEquals("2", updated.get("memory").get("revision").asString());
    assertEquals("{\"forgotten\":\"" + tabs + "\"}", text(forget));
    assertEquals("no memory with id '" + tabs + "'", text(after));
  }

  @Test
  void getMemory_conversation_comesWithItsMessages() {
    Map<String, SyncToolSpecification> tools = byName(tools(ServedScopes.all(), true));

    JsonNode answer = json(call(tools, "get_memory", Map.of("id", conversation)));

    assertEquals("Lisbon in May", answer.get("memory").get("conversation").get("title").asString());
    assertEquals(message, answer.get("messages").get(0).get("id").asString());
    assertEquals("USER", answer.get("messages").get(0).get("role").asString());
  }

  @Test
  void toolCalls_badArguments_answerWithWhatIsWrong() {
    Map<String, SyncToolSpecification> tools = work(false);

    assertEquals(
        "'limit' must be a whole number from 1 to 50",
        text(call(tools, "search_memories", Map.of("query", "tabs", "limit", "many"))));
    assertEquals(
        "'query' is required: give it as a string",
        text(call(tools, "search_memories", Map.of("query", "  "))));
    assertEquals(
        "'kind' must be one of fact, preference, instruction or note, not 'secret'",
        text(call(tools, "add_memory", Map.of("text", "x", "scope", "work", "kind", "secret"))));
    assertEquals(
        "'tags' must be a list of strings",
        text(call(tools, "add_memory", Map.of("text", "x", "scope", "work", "tags", "a"))));
    assertEquals(
        "tag 'two words' is not valid: use 1 to 64 characters without spaces",
        text(
            call(
                tools,
                "add_memory",
                Map.of("text", "x", "scope", "work", "tags", List.of("two words")))));
    assertEquals(
        "the search has no words to look for",
        text(call(tools, "search_memories", Map.of("query", "!!!"))));
  }

  @Test
  void readResource_servedMemory_isItsJson() {
    MemoryResources resources = new MemoryResources(new ScopedMemories(vault, work()));

    TextResourceContents contents =
        (TextResourceContents) resources.read(MemoryResources.URI_PREFIX + tabs).contents().get(0);

    assertEquals("application/json", contents.mimeType());
    assertEquals(tabs, readTree(contents.text()).get("memory").get("id").asString());
  }

  @Test
  void readResource_idInUnservedScope_answersAsNotFound() {
    MemoryResources resources = new MemoryResources(new ScopedMemories(vault, work()));
    McpError unknown =
        assertThrows(McpError.class, () -> resources.read(MemoryResources.URI_PREFIX + UNKNOWN_ID));

    for (String hidden : List.of(vegetarian, forgotten, conversation, message)) {
      McpError answer =
          assertThrows(McpError.class, () -> resources.read(MemoryResources.URI_PREFIX + hidden));
      assertEquals(unknown.getJsonRpcError().code(), answer.getJsonRpcError().code());
      assertEquals(unknown.getJsonRpcError().message(), answer.getJsonRpcError().message());
    }
  }

  private static Map<String, Object> queryTram() {
    return Map.of("query", "tram");
  }

  private static ServedScopes work() {
    return ServedScopes.of(Set.of("work"));
  }

  private Map<String, SyncToolSpecification> work(boolean readOnly) {
    return byName(tools(work(), readOnly));
  }

  private List<SyncToolSpecification> tools(ServedScopes served, boolean readOnly) {
    return new MemoryTools(new ScopedMemories(vault, served), readOnly).specifications();
  }

  private static List<String> toolNames(List<SyncToolSpecification> tools) {
    List<String> names = new ArrayList<>();
    tools.forEach(tool -> names.add(tool.tool().name()));
    return names;
  }

  private static Map<String, SyncToolSpecification> byName(List<SyncToolSpecification> tools) {
    Map<String, SyncToolSpecification> result = new LinkedHashMap<>();
    tools.forEach(tool -> result.put(tool.tool().name(), tool));
    return result;
  }

  private static CallToolResult call(
      Map<String, SyncToolSpecification> tools, String name, Map<String, Object> arguments) {
    return tools
        .get(name)
        .callHandler()
        .apply(null, CallToolRequest.builder(name).arguments(arguments).build());
  }

  private static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  private static JsonNode json(CallToolResult result) {
    assertFalse(result.isError(), () -> text(result));
    return readTree(text(result));
  }

  private static JsonNode readTree(String text) {
    return JSON.readTree(text);
  }
}
