package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.store.Migrations;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.RawVault;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a message says outside its visible text (code, thinking, tool results, attachments) is found
 * by search, and shown as its conversation; what a model asked a tool is not.
 */
class VaultMessagePartsSearchTest {
  private static final char[] PASSPHRASE = "message parts passphrase".toCharArray();

  @TempDir Path dir;

  private static Memory messageWithParts(String conversationId) {
    Memory message = Drafts.message("chats", conversationId, 1, "Here is the setup.");
    return message.toBuilder()
        .setMessage(
            message.getMessage().toBuilder()
                .addParts(Part.newBuilder().setType(PartType.TEXT).setText("Here is the setup."))
                .addParts(
                    Part.newBuilder()
                        .setType(PartType.CODE)
                        .setName("ini")
                        .setText("PIHOLE_DNS_1=9.9.9.9\nBLOCKING_ENABLED=true"))
                .addParts(
                    Part.newBuilder()
                        .setType(PartType.ATTACHMENT)
                        .setFileName("fritzbox-export.cfg")
                        .setText("dhcp lease marmoset"))
                .addParts(Part.newBuilder().setType(PartType.THINKING).setText("consider ocelot"))
                .addParts(
                    Part.newBuilder()
                        .setType(PartType.TOOL_USE)
                        .setName("web_search")
                        .setInputJson("{\"query\":\"quetzal\"}"))
                .addParts(
                    Part.newBuilder()
                        .setType(PartType.TOOL_RESULT)
                        .setName("web_search")
                        .setText("3 results about axolotl")))
        .build();
  }

  private static List<String> ids(Vault vault, String query) {
    List<String> ids = new ArrayList<>();
    vault.search(query, Selection.all()).forEach(r -> ids.add(r.memory().getId()));
    return ids;
  }

  @Test
  void search_wordsOfCodeAttachmentThinkingAndToolResult_findTheConversation() {
    try (Vault vault = Vault.create(dir.resolve("v"), PASSPHRASE).vault()) {
      String conversation = vault.add(Drafts.conversation("chats", "Pi-hole")).getId();
      vault.add(messageWithParts(conversation));

      for (String query :
          List.of("PIHOLE_DNS_1", "fritzbox-export.cfg", "marmoset", "ocelot", "axolotl")) {
        assertEquals(List.of(conversation), ids(vault, query), query);
      }
      assertEquals(List.of(), ids(vault, "quetzal"), "a tool call's input is not searched");
      String snippet = vault.search("PIHOLE_DNS_1", Selection.all()).get(0).snippet();
      assertEquals(true, snippet.contains("[PIHOLE_DNS_1]"), snippet);
    }
  }

  @Test
  void open_vaultIndexedBeforePartsWereSearched_rebuiltOnceAndFindsThem() throws Exception {
    Path home = dir.resolve("old");
    CreatedVault created = Vault.create(home, PASSPHRASE);
    String conversation;
    try (Vault vault = created.vault()) {
      conversation = vault.add(Drafts.conversation("chats", "Pi-hole")).getId();
      vault.add(messageWithParts(conversation));
    }
    try (RawVault raw = RawVault.open(home, created.recoveryKey());
        Statement statement = raw.connection().createStatement()) {
      statement.execute("PRAGMA user_version = 10");
    }

    List<String> progress = new ArrayList<>();
    try (Vault vault =
        Vault.open(home, PASSPHRASE, (indexed, total) -> progress.add(indexed + "/" + total))) {
      assertEquals(List.of(conversation), ids(vault, "PIHOLE_DNS_1"));
    }
    assertEquals(List.of("0/2", "2/2"), progress);
    try (RawVault raw = RawVault.open(home, created.recoveryKey())) {
      assertEquals(Migrations.latestVersion(), Migrations.currentVersion(raw.connection()));
      assertNull(new MetaRows(raw.connection()).get(MetaRows.SEARCH_INDEX_STALE));
    }
  }
}
