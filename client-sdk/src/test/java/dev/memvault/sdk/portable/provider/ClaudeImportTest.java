package dev.memvault.sdk.portable.provider;

import static dev.memvault.sdk.portable.provider.Fixtures.CLAUDE_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.CLAUDE_ZIP;
import static dev.memvault.sdk.portable.provider.Fixtures.importInto;
import static dev.memvault.sdk.portable.provider.Fixtures.imported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Claude fixture imported into one real vault, then again from its zip. */
class ClaudeImportTest {
  private static final String NETWORK = "0c9e6f1a-0001-4d2e-8f00-bbbbbbbbbbb1";
  private static final String ZURICH = "0c9e6f1a-0002-4d2e-8f00-bbbbbbbbbbb2";

  @TempDir static Path temp;
  private static MemoryVault vault;
  private static ImportSummary first;
  private static ImportSummary fromZip;
  private static final List<List<Long>> progress = new ArrayList<>();
  private static final List<Integer> conversationCounts = new ArrayList<>();

  @BeforeAll
  static void importTheFixtureThenItsZip() {
    vault = Fixtures.newVault(temp.resolve("vault"));
    first = importInto(vault, Provider.CLAUDE, CLAUDE_JSON);
    fromZip =
        ProviderImporter.run(
            vault,
            Provider.CLAUDE,
            CLAUDE_ZIP,
            ImportOptions.defaults()
                .withProgress(
                    new ImportProgress() {
                      @Override
                      public void update(long read, long total) {
                        progress.add(List.of(read, total));
                      }

                      @Override
                      public void conversationsRead(int count) {
                        conversationCounts.add(count);
                      }
                    }));
  }

  @AfterAll
  static void close() {
    vault.close();
  }

  @Test
  void import_countsConversationsAndMessages_andTheZipAddsNothing() {
    assertEquals(2, first.conversationsAdded());
    assertEquals(6, first.messagesAdded());
    assertEquals(List.of(), first.failures());
    assertEquals(2, fromZip.conversationsUnchanged());
    assertEquals(0, fromZip.messagesAdded());
    assertEquals(6, fromZip.messagesAlreadyPresent());
  }

  @Test
  void progress_isReportedPerConversation_inBytesOfTheJsonInsideTheZip() {
    assertEquals(2, progress.size());
    assertEquals(List.of(3891L, 3891L), progress.get(1));
    assertEquals(List.of(1, 2), conversationCounts);
  }

  @Test
  void unpackedExportFolder_isReadToo() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("unpacked"));
    Files.copy(CLAUDE_JSON, folder.resolve("conversations.json"));

    ImportSummary summary = importInto(vault, Provider.CLAUDE, folder);

    assertEquals(2, summary.conversationsUnchanged());
    assertEquals(6, summary.messagesAlreadyPresent());
  }

  @Test
  void chatMessages_areTheVisibleThreadInOrder() {
    Memory network = imported(vault, "claude", NETWORK);
    assertEquals(Kind.CONVERSATION, network.getKind());
    assertEquals("Home network setup", network.getConversation().getTitle());
    assertEquals(4, network.getConversation().getMessageCount());
    assertEquals("", network.getText(), "an empty summary stays empty");
    assertEquals(1717319700L, network.getCreatedAt().getSeconds()); // 2024-06-02T09:15:00Z
    List<Memory> thread = Fixtures.visibleThread(vault, network);
    assertEquals(
        List.of("k1m1", "k1m2", "k1m3", "k1m4"),
        thread.stream().map(m -> m.getSource().getExternalId()).toList());
    assertEquals(
        List.of(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT),
        thread.stream().map(m -> m.getMessage().getRole()).toList());
    for (int i = 0; i < thread.size(); i++) {
      assertEquals(i, thread.get(i).getMessage().getPosition());
      assertEquals(
          i == 0 ? "" : thread.get(i - 1).getId(), thread.get(i).getMessage().getParentId());
    }
  }

  @Test
  void thinkingBlock_isATypedPart_notVisibleText() {
    Memory answer = imported(vault, "claude", "k1m2");
    assertEquals(
        List.of(PartType.THINKING, PartType.TEXT),
        answer.getMessage().getPartsList().stream().map(Part::getType).toList());
    assertEquals(
        "The user runs Pi-hole; suggest conditional forwarding.",
        answer.getMessage().getParts(0).getText());
    assertEquals(
        "Enable conditional forwarding in Pi-hole so local hostnames resolve.", answer.getText());
  }

  @Test
  void toolUseAndToolResult_areTypedParts_notVisibleText() {
    Memory answer = imported(vault, "claude", "k1m4");
    List<Part> parts = answer.getMessage().getPartsList();
    assertEquals(
        List.of(PartType.TOOL_USE, PartType.TOOL_RESULT, PartType.TEXT),
        parts.stream().map(Part::getType).toList());
    assertEquals("web_search", parts.get(0).getName());
    assertEquals(
        "{\"query\":\"pihole conditional forwarding fritzbox\"}", parts.get(0).getInputJson());
    assertEquals("web_search", parts.get(1).getName());
    assertEquals("3 results", parts.get(1).getText());
    assertEquals("Run: pihole -a -c  (then set the Fritz!Box IP 192.168.178.1)", answer.getText());
  }

  @Test
  void attachment_keepsFileNameTypeSizeAndExtractedContent() {
    Memory question = imported(vault, "claude", "k1m1");
    assertEquals(
        Part.newBuilder()
            .setType(PartType.ATTACHMENT)
            .setFileName("pihole.conf")
            .setMediaType("text/plain")
            .setSizeBytes(112)
            .setText("PIHOLE_DNS_1=9.9.9.9\nBLOCKING_ENABLED=true")
            .build(),
        question.getMessage().getParts(1));
    assertEquals("My router is a Fritz!Box 7590 and I use Pi-hole for DNS.", question.getText());
    assertFalse(question.getText().contains("PIHOLE_DNS_1"));
  }

  @Test
  void emptyContent_fallsBackToTheMessageText() {
    Memory message = imported(vault, "claude", "k2m1");
    assertEquals(
        "Summarise: Zürich trip — budget 1500 CHF, allergic to peanuts.", message.getText());
    assertEquals(PartType.TEXT, message.getMessage().getParts(0).getType());
    assertEquals(Role.USER, message.getMessage().getRole());
  }

  @Test
  void emptyName_titleIsTakenFromTheFirstMessage_cutAtAWord() {
    assertEquals(
        "Summarise: Zürich trip — budget 1500 CHF, allergic to…",
        imported(vault, "claude", ZURICH).getConversation().getTitle());
  }

  @Test
  void search_findsTheConversationByMessageText_withOrWithoutDiacritics() {
    String zurich = imported(vault, "claude", ZURICH).getId();
    for (String query : List.of("Erdnüsse", "erdnusse")) {
      List<SearchResult> hits = vault.search(query, Selection.all());
      assertEquals(1, hits.size(), query);
      assertEquals(zurich, hits.get(0).memory().getId());
    }
  }
}
