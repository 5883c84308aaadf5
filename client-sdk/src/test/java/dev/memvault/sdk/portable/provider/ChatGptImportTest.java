package dev.memvault.sdk.portable.provider;

import static dev.memvault.sdk.portable.provider.Fixtures.CHATGPT_INSTRUCTIONS;
import static dev.memvault.sdk.portable.provider.Fixtures.CHATGPT_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.CHATGPT_ZIP;
import static dev.memvault.sdk.portable.provider.Fixtures.anyImported;
import static dev.memvault.sdk.portable.provider.Fixtures.importInto;
import static dev.memvault.sdk.portable.provider.Fixtures.imported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.MemoryVault;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ChatGPT fixture (docs in /work/shared/fixtures/README.md) imported into one real vault, then
 * imported again as JSON and as zip; each test checks one edge case on the stored memories.
 */
class ChatGptImportTest {
  private static final String LISBON = "6a1f0c2e-0001-4c3b-9d1e-aaaaaaaaaaa1";
  private static final String HAIKU = "6a1f0c2e-0002-4c3b-9d1e-aaaaaaaaaaa2";
  private static final String CSV = "6a1f0c2e-0003-4c3b-9d1e-aaaaaaaaaaa3";
  private static final String MEAL_PLAN = "6a1f0c2e-0004-4c3b-9d1e-aaaaaaaaaaa4";

  @TempDir static Path temp;
  private static MemoryVault vault;
  private static ImportSummary first;
  private static ImportSummary again;
  private static ImportSummary fromZip;
  private static ImportSummary instructionsFirst;
  private static ImportSummary instructionsAgain;

  @BeforeAll
  static void importTheFixtureThenAgainAsJsonAndAsZip() {
    vault = Fixtures.newVault(temp.resolve("vault"));
    first = importInto(vault, Provider.CHATGPT, CHATGPT_JSON);
    again = importInto(vault, Provider.CHATGPT, CHATGPT_JSON);
    fromZip = importInto(vault, Provider.CHATGPT, CHATGPT_ZIP);
    instructionsFirst = importInto(vault, Provider.CHATGPT, CHATGPT_INSTRUCTIONS);
    instructionsAgain = importInto(vault, Provider.CHATGPT, CHATGPT_INSTRUCTIONS);
  }

  @AfterAll
  static void close() {
    vault.close();
  }

  @Test
  void firstImport_countsEveryConversationAndMessage() {
    assertEquals(3, first.conversationsRead());
    assertEquals(3, first.conversationsAdded());
    // 4 visible in the first, 2 visible + 2 alternates in the second, 4 in the third.
    assertEquals(12, first.messagesAdded());
    assertEquals(0, first.messagesAlreadyPresent());
    assertEquals(List.of(), first.failures());
    assertEquals("chats", first.scope());
  }

  @Test
  void reimport_sameFileOrItsZip_addsNothing() {
    for (ImportSummary repeat : List.of(again, fromZip)) {
      assertEquals(3, repeat.conversationsRead());
      assertEquals(0, repeat.conversationsAdded());
      assertEquals(0, repeat.conversationsUpdated());
      assertEquals(3, repeat.conversationsUnchanged());
      assertEquals(0, repeat.messagesAdded());
      assertEquals(12, repeat.messagesAlreadyPresent());
    }
    Memory lisbon = imported(vault, "chatgpt", LISBON);
    assertEquals(1, lisbon.getRevision(), "an unchanged conversation gets no new revision");
    assertEquals(4, vault.messages(lisbon.getId()).size());
  }

  @Test
  void conversation_headerHoldsTitleCountTimesAndSource() {
    Memory lisbon = imported(vault, "chatgpt", LISBON);
    assertEquals(Kind.CONVERSATION, lisbon.getKind());
    assertEquals("chats", lisbon.getScope());
    assertEquals("Planning a trip to Lisbon", lisbon.getConversation().getTitle());
    assertEquals(4, lisbon.getConversation().getMessageCount());
    assertEquals("chatgpt", lisbon.getSource().getProvider());
    assertEquals(1717000000L, lisbon.getCreatedAt().getSeconds());
    assertEquals(123_000_000, lisbon.getCreatedAt().getNanos());
    assertEquals(1717000300L, lisbon.getUpdatedAt().getSeconds());
    assertEquals(500_000_000, lisbon.getUpdatedAt().getNanos());
  }

  @Test
  void visibleThread_followsCurrentNode_inOrderWithParents() {
    List<Memory> thread = thread(imported(vault, "chatgpt", LISBON));
    assertEquals(List.of("m1", "m2", "m3", "m4"), externalIds(thread));
    assertEquals(
        List.of(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT),
        thread.stream().map(m -> m.getMessage().getRole()).toList());
    for (int i = 0; i < thread.size(); i++) {
      assertEquals(i, thread.get(i).getMessage().getPosition());
      assertEquals("", thread.get(i).getMessage().getBranch());
      String parent = i == 0 ? "" : thread.get(i - 1).getId();
      assertEquals(parent, thread.get(i).getMessage().getParentId());
    }
    assertEquals(
        "I'm vegetarian and I'm going to Lisbon in May. Where should I eat?",
        thread.get(0).getText());
    assertEquals(1717000010L, thread.get(0).getCreatedAt().getSeconds());
  }

  @Test
  void hiddenSystemMessage_isLeftOut() {
    assertFalse(anyImported(vault, "chatgpt", "m0"));
    Memory lisbon = imported(vault, "chatgpt", LISBON);
    assertTrue(
        vault.messages(lisbon.getId()).stream()
            .noneMatch(m -> m.getMessage().getRole() == Role.SYSTEM));
  }

  @Test
  void editedPrompt_otherBranchKeptAsAlternate_notInVisibleThread() {
    Memory haiku = imported(vault, "chatgpt", HAIKU);
    assertEquals(List.of("mu1b", "ma1b"), externalIds(thread(haiku)));
    assertEquals(2, haiku.getConversation().getMessageCount());

    Memory visiblePrompt = imported(vault, "chatgpt", "mu1b");
    Memory editedAway = imported(vault, "chatgpt", "mu1");
    Memory itsAnswer = imported(vault, "chatgpt", "ma1");
    assertEquals(haiku.getId(), editedAway.getMessage().getConversationId());
    assertEquals(editedAway.getId(), editedAway.getMessage().getBranch());
    assertEquals(editedAway.getId(), itsAnswer.getMessage().getBranch());
    assertEquals(0, editedAway.getMessage().getPosition());
    assertEquals(1, itsAnswer.getMessage().getPosition());
    assertEquals("", editedAway.getMessage().getParentId());
    assertEquals(editedAway.getId(), itsAnswer.getMessage().getParentId());
    assertEquals(
        List.of(
            Link.newBuilder()
                .setTargetId(visiblePrompt.getId())
                .setRelation("alternate-of")
                .build()),
        editedAway.getLinksList());
    assertEquals(List.of(), itsAnswer.getLinksList());
    assertEquals("Files drift to the sea", itsAnswer.getText());
  }

  @Test
  void nullTitle_isTakenFromTheFirstVisibleUserMessage() {
    assertEquals(
        "Write a haiku about backups, in Japanese please",
        imported(vault, "chatgpt", HAIKU).getConversation().getTitle());
  }

  @Test
  void nonAsciiText_isKeptExactly() {
    assertEquals("夜の雨 / バックアップは / 静かに守る 🌧️", imported(vault, "chatgpt", "ma1b").getText());
  }

  @Test
  void multimodalParts_keepTheAssetPointerAndTheText() {
    Memory screenshot = imported(vault, "chatgpt", "mt1");
    List<Part> parts = screenshot.getMessage().getPartsList();
    assertEquals(2, parts.size());
    assertEquals(PartType.ASSET, parts.get(0).getType());
    assertEquals("file-service://file-abc123", parts.get(0).getFileName());
    assertEquals(48213, parts.get(0).getSizeBytes());
    assertEquals(PartType.TEXT, parts.get(1).getType());
    assertEquals(
        "Here is a screenshot of my CSV. My name is Dana and I work in data engineering.",
        screenshot.getText());
  }

  @Test
  void codeContent_becomesACodePartWithItsLanguage() {
    Memory code = imported(vault, "chatgpt", "mt2");
    assertEquals(
        List.of(
            Part.newBuilder()
                .setType(PartType.CODE)
                .setName("python")
                .setText(
                    "import csv\nwith open('data.csv') as f:\n    rows = list(csv.DictReader(f))")
                .build()),
        code.getMessage().getPartsList());
    assertEquals("", code.getText(), "code is not visible text");
    assertEquals(1, code.getMessage().getPosition());
  }

  @Test
  void toolMessage_keepsRoleAndAuthor_andTakesTheConversationTimeWhenItHasNone() {
    Memory tool = imported(vault, "chatgpt", "mt3");
    assertEquals(Role.TOOL, tool.getMessage().getRole());
    assertEquals("python", tool.getMessage().getAuthor());
    assertEquals("rows = 1204", tool.getText());
    assertEquals(1719000000L, tool.getCreatedAt().getSeconds());
    assertEquals(
        List.of("mt1", "mt2", "mt3", "mt4"), externalIds(thread(imported(vault, "chatgpt", CSV))));
  }

  @Test
  void modelSlug_becomesTheMessageSourceModel() {
    assertEquals("gpt-4o", imported(vault, "chatgpt", "m2").getSource().getModel());
    assertEquals("gpt-4", imported(vault, "chatgpt", "ma1").getSource().getModel());
    assertEquals("gpt-4o-mini", imported(vault, "chatgpt", "ma1b").getSource().getModel());
    assertEquals("", imported(vault, "chatgpt", "m1").getSource().getModel());
  }

  @Test
  void search_findsTheConversationByTheTextOfItsMessages() {
    List<SearchResult> hits = vault.search("feijoada", Selection.all());
    assertEquals(1, hits.size());
    assertEquals(imported(vault, "chatgpt", LISBON).getId(), hits.get(0).memory().getId());
    List<SearchResult> japanese = vault.search("バックアップは", Selection.all());
    assertEquals(imported(vault, "chatgpt", HAIKU).getId(), japanese.get(0).memory().getId());
  }

  @Test
  void customInstructions_becomeInstructionMemories_oncePerDistinctText() {
    assertEquals(2, instructionsFirst.conversationsAdded());
    // Two conversations carry three distinct texts: "about the user" is the same in both.
    assertEquals(3, instructionsFirst.instructionsAdded());
    assertEquals(0, instructionsAgain.instructionsAdded());
    assertEquals(2, instructionsAgain.conversationsUnchanged());
    List<Memory> instructions = vault.list(Selection.all().ofKind(Kind.INSTRUCTION));
    assertEquals(
        List.of(
            "Answer in Portuguese.",
            "I am vegetarian and live in Porto.",
            "Keep answers short and use metric units."),
        instructions.stream().map(Memory::getText).sorted().toList());
    for (Memory instruction : instructions) {
      assertEquals("chatgpt", instruction.getSource().getProvider());
      assertEquals("chats", instruction.getScope());
      assertTrue(instruction.getAttributesMap().containsKey("custom_instructions"));
    }
  }

  @Test
  void olderExportWithConversationIdField_isImported_andItsHiddenContextIsLeftOut() {
    Memory mealPlan = imported(vault, "chatgpt", MEAL_PLAN);
    assertEquals("Weekly meal plan", mealPlan.getConversation().getTitle());
    assertEquals(List.of("mc2", "mc3"), externalIds(thread(mealPlan)));
    assertFalse(anyImported(vault, "chatgpt", "mc1"));
  }

  @Test
  void assistantMessageToATool_isAToolCall_notVisibleText() {
    Memory call = imported(vault, "chatgpt", "md3");
    Part part = call.getMessage().getParts(0);
    assertEquals(PartType.TOOL_USE, part.getType());
    assertEquals("dalle.text2im", part.getName());
    assertEquals(
        "{\"prompt\":\"a cat reading a newspaper\",\"size\":\"1024x1024\"}", part.getInputJson());
    assertEquals("", call.getText());
  }

  @Test
  void zipAndJson_giveTheSameMemories() {
    try (MemoryVault fromZipOnly = Fixtures.newVault(temp.resolve("zip-only"))) {
      importInto(fromZipOnly, Provider.CHATGPT, CHATGPT_ZIP);
      List<String> zipped = Fixtures.describeAll(fromZipOnly);
      List<String> json =
          Fixtures.describeAll(vault).stream()
              .filter(line -> !line.contains("aaaaaaaaaaa4") && !line.contains("aaaaaaaaaaa5"))
              .filter(line -> !line.contains("INSTRUCTION"))
              .collect(Collectors.toList());
      assertEquals(json.size(), zipped.size(), String.join("\n", zipped));
      assertEquals(json, zipped);
      assertNotEquals(0, zipped.size());
    }
  }

  /** The visible thread of a conversation, in position order. */
  static List<Memory> thread(Memory conversation) {
    return Fixtures.visibleThread(vault, conversation);
  }

  static List<String> externalIds(List<Memory> memories) {
    return memories.stream().map(m -> m.getSource().getExternalId()).toList();
  }
}
