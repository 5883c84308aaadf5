package dev.memvault.sdk.portable.provider;

import static dev.memvault.sdk.portable.provider.Fixtures.CHATGPT_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.importInto;
import static dev.memvault.sdk.portable.provider.Fixtures.imported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.TestEngines;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A newer export of the same account, imported over the fixture: the first conversation gained a
 * message and a new title, in the second the person switched back to the branch they had edited
 * away, the third was forgotten in the vault meanwhile, and so was one message of the first.
 */
class ProviderReimportTest {
  private static final String LISBON = "6a1f0c2e-0001-4c3b-9d1e-aaaaaaaaaaa1";
  private static final String HAIKU = "6a1f0c2e-0002-4c3b-9d1e-aaaaaaaaaaa2";
  private static final String CSV = "6a1f0c2e-0003-4c3b-9d1e-aaaaaaaaaaa3";

  @TempDir static Path temp;
  private static MemoryVault vault;
  private static ImportSummary newer;
  private static ImportSummary newerAgain;

  @BeforeAll
  static void importTheFixture_forgetSome_thenImportANewerExport() {
    vault = Fixtures.newVault(temp.resolve("vault"));
    importInto(vault, Provider.CHATGPT, CHATGPT_JSON);
    vault.forget(imported(vault, "chatgpt", CSV).getId());
    vault.forget(imported(vault, "chatgpt", "m2").getId());

    ArrayNode export = Fixtures.tree(CHATGPT_JSON);
    ObjectNode lisbon = (ObjectNode) export.get(0);
    lisbon.put("title", "Lisbon: where to eat");
    lisbon.put("current_node", "n5");
    ObjectNode mapping = (ObjectNode) lisbon.get("mapping");
    ((ArrayNode) mapping.get("n4").get("children")).add("n5");
    ObjectNode n5 = mapping.putObject("n5");
    n5.put("id", "n5").put("parent", "n4").putArray("children");
    ObjectNode message = n5.putObject("message");
    message.put("id", "m5").put("create_time", 1717000400.0);
    message.putObject("author").put("role", "user");
    message
        .putObject("content")
        .put("content_type", "text")
        .putArray("parts")
        .add("Is tipping expected?");
    ((ObjectNode) export.get(1)).put("current_node", "a1");

    Path file = Fixtures.write(temp, "newer.json", export);
    newer = importInto(vault, Provider.CHATGPT, file);
    newerAgain = importInto(vault, Provider.CHATGPT, file);
  }

  @AfterAll
  static void close() {
    vault.close();
  }

  @Test
  void newerExport_addsOnlyTheNewMessage() {
    assertEquals(3, newer.conversationsRead());
    assertEquals(0, newer.conversationsAdded());
    assertEquals(2, newer.conversationsUpdated());
    assertEquals(1, newer.conversationsForgotten());
    assertEquals(1, newer.messagesAdded());
    // Lisbon's four (one of them forgotten) and the haiku's four.
    assertEquals(8, newer.messagesAlreadyPresent());
    assertEquals(List.of(), newer.failures());

    Memory lisbon = imported(vault, "chatgpt", LISBON);
    Memory added = imported(vault, "chatgpt", "m5");
    assertEquals(4, added.getMessage().getPosition());
    assertEquals(imported(vault, "chatgpt", "m4").getId(), added.getMessage().getParentId());
    assertEquals(lisbon.getId(), added.getMessage().getConversationId());
    assertEquals(
        1, imported(vault, "chatgpt", "m4").getRevision(), "old messages are not rewritten");
  }

  @Test
  void knownConversation_getsTheNewTitleAndCount_inANewRevision() {
    Memory lisbon = imported(vault, "chatgpt", LISBON);
    assertEquals("Lisbon: where to eat", lisbon.getConversation().getTitle());
    assertEquals(5, lisbon.getConversation().getMessageCount());
    assertEquals(2, lisbon.getRevision());
  }

  @Test
  void branchSwitch_movesTheThreads_withoutLosingEither() {
    Memory haiku = imported(vault, "chatgpt", HAIKU);
    assertEquals(
        List.of("mu1", "ma1"),
        Fixtures.visibleThread(vault, haiku).stream()
            .map(m -> m.getSource().getExternalId())
            .toList());
    Memory nowVisible = imported(vault, "chatgpt", "mu1");
    Memory nowAlternate = imported(vault, "chatgpt", "mu1b");
    Memory itsAnswer = imported(vault, "chatgpt", "ma1b");
    assertEquals("", nowVisible.getMessage().getBranch());
    assertEquals(List.of(), nowVisible.getLinksList());
    assertEquals(nowAlternate.getId(), nowAlternate.getMessage().getBranch());
    assertEquals(nowAlternate.getId(), itsAnswer.getMessage().getBranch());
    assertEquals(
        List.of(
            Link.newBuilder().setTargetId(nowVisible.getId()).setRelation("alternate-of").build()),
        nowAlternate.getLinksList());
    assertEquals(2, nowAlternate.getRevision());
    assertEquals("夜の雨 / バックアップは / 静かに守る 🌧️", itsAnswer.getText());
    assertEquals(2, haiku.getConversation().getMessageCount());
  }

  @Test
  void forgottenConversationAndMessage_stayForgotten() {
    assertTrue(TestEngines.engine(vault).findBySource("chatgpt", CSV).orElseThrow().forgotten());
    assertTrue(TestEngines.engine(vault).findBySource("chatgpt", "mt1").orElseThrow().forgotten());
    assertTrue(TestEngines.engine(vault).findBySource("chatgpt", "m2").orElseThrow().forgotten());
    assertEquals(4, vault.messages(imported(vault, "chatgpt", LISBON).getId()).size());
  }

  @Test
  void newerExportAgain_addsNothing() {
    assertEquals(2, newerAgain.conversationsUnchanged());
    assertEquals(1, newerAgain.conversationsForgotten());
    assertEquals(0, newerAgain.messagesAdded());
    assertEquals(2, imported(vault, "chatgpt", LISBON).getRevision());
  }
}
