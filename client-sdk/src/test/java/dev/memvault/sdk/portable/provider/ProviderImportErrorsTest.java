package dev.memvault.sdk.portable.provider;

import static dev.memvault.sdk.portable.provider.Fixtures.CHATGPT_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.CLAUDE_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.anyImported;
import static dev.memvault.sdk.portable.provider.Fixtures.importInto;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Vault;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bad input: a conversation the file describes badly fails alone and leaves no trace; a file that
 * is not an export, or is cut short, stops the import with a message that says where.
 */
class ProviderImportErrorsTest {
  private static final String HAIKU = "6a1f0c2e-0002-4c3b-9d1e-aaaaaaaaaaa2";

  @TempDir static Path temp;
  private static MemoryVault vault;

  @BeforeAll
  static void createVault() {
    vault = Fixtures.newVault(temp.resolve("vault"));
  }

  @AfterAll
  static void close() {
    vault.close();
  }

  @Test
  void badConversations_failAlone_leaveNoTrace_andTheOthersImport() {
    ArrayNode export = Fixtures.tree(CHATGPT_JSON);
    ((ObjectNode) export.get(1)).put("current_node", "gone");
    // A copy of the first conversation whose last message is over the format's size limit: the
    // vault refuses it after the header and three messages were written in the transaction.
    ObjectNode tooLong = (ObjectNode) export.get(0).deepCopy();
    tooLong.put("id", "too-long");
    ObjectNode mapping = (ObjectNode) tooLong.get("mapping");
    for (String node : List.of("n0", "n1", "n2", "n3", "n4")) {
      ObjectNode message = (ObjectNode) mapping.get(node).get("message");
      message.put("id", "too-long-" + message.get("id").asString());
    }
    ArrayNode parts = (ArrayNode) mapping.get("n4").get("message").get("content").get("parts");
    parts.set(0, "x".repeat(Vault.MAX_TEXT_CHARS + 1));
    export.add(tooLong);
    export.addNull();
    export.add(42);

    ImportSummary summary =
        importInto(vault, Provider.CHATGPT, Fixtures.write(temp, "bad.json", export));

    assertEquals(6, summary.conversationsRead());
    assertEquals(2, summary.conversationsAdded() + summary.conversationsUnchanged());
    List<ImportSummary.Failure> failures = summary.failures();
    assertEquals(4, failures.size(), failures.toString());
    assertEquals(
        new ImportSummary.Failure(2, HAIKU, "current_node 'gone' is not in mapping"),
        failures.get(0));
    assertEquals("conversation 2 (id " + HAIKU + ")", failures.get(0).where());
    assertEquals(4, failures.get(1).number());
    assertEquals("too-long", failures.get(1).conversationId());
    assertTrue(failures.get(1).reason().contains("longer than"), failures.get(1).reason());
    assertEquals(
        new ImportSummary.Failure(5, "", "is not an object (found null)"), failures.get(2));
    assertEquals(
        new ImportSummary.Failure(6, "", "is not an object (found number)"), failures.get(3));
    for (String id : List.of(HAIKU, "mu1b", "too-long", "too-long-m1", "too-long-m3")) {
      assertFalse(anyImported(vault, "chatgpt", id), id + " left a trace");
    }
    assertTrue(anyImported(vault, "chatgpt", "m1"));
    assertTrue(anyImported(vault, "chatgpt", "mt4"));
  }

  @Test
  void wrongFieldType_failureNamesTheField() {
    ArrayNode export = Fixtures.tree(CHATGPT_JSON);
    ObjectNode broken = (ObjectNode) export.get(2).deepCopy();
    broken.put("id", "typed-wrong");
    ((ObjectNode) broken.get("mapping").get("t4").get("message")).put("create_time", "yesterday");
    ArrayNode single = Fixtures.JSON.createArrayNode().add(broken);

    ImportSummary summary =
        importInto(vault, Provider.CHATGPT, Fixtures.write(temp, "typed.json", single));

    assertEquals(
        "mapping.t4.message.create_time is not a time in seconds",
        summary.failures().get(0).reason());
    assertTrue(summary.allFailed());
  }

  @Test
  void truncatedFile_stops_sayingWhere_andKeepsWhatCameBefore() throws IOException {
    byte[] whole = Files.readAllBytes(CHATGPT_JSON);
    Path cut = temp.resolve("cut.json");
    Files.write(cut, Arrays.copyOf(whole, 5000));

    ExportFormatException e =
        assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.CHATGPT, cut));

    assertEquals(
        cut
            + " ends unexpectedly at byte 5000 (line 258, column 13), in conversation 2: the file"
            + " is truncated; download the export again",
        e.getMessage());
    assertEquals(1, e.importedBefore().orElseThrow().conversationsRead());
    assertTrue(anyImported(vault, "chatgpt", "6a1f0c2e-0001-4c3b-9d1e-aaaaaaaaaaa1"));
  }

  @Test
  void invalidJsonInsideAConversation_namesTheByteAndTheConversation() throws IOException {
    String text = Files.readString(CHATGPT_JSON);
    String broken =
        text.replace(
            "\"title\": \"Planning a trip to Lisbon\",",
            "\"title\": \"Planning a trip to Lisbon\" oops,");
    Path file = temp.resolve("syntax.json");
    Files.writeString(file, broken);

    String message = failure(file, Provider.CHATGPT).getMessage();

    assertTrue(message.startsWith(file + " is not valid JSON at byte "), message);
    assertTrue(message.contains(", in conversation 1: Unexpected character ('o'"), message);
  }

  @Test
  void notJson_isNotAnExport() throws IOException {
    Path file = temp.resolve("notes.txt");
    Files.writeString(file, "Dear diary, today I exported my chats.\n");

    String message = failure(file, Provider.CHATGPT).getMessage();

    assertTrue(
        message.startsWith(
            file + " is not a ChatGPT data export: it is not JSON (Unrecognized token"),
        message);
    assertTrue(message.contains("at byte "), message);
  }

  @Test
  void objectInsteadOfList_isNotAnExport() throws IOException {
    Path file = temp.resolve("object.json");
    Files.writeString(file, "{\"conversations\": []}");

    assertEquals(
        file
            + " is not a Claude data export: expected a list of conversations, found a single"
            + " object",
        failure(file, Provider.CLAUDE).getMessage());
  }

  @Test
  void otherProvidersExport_saysWhichCommandToUse() {
    assertEquals(
        CLAUDE_JSON
            + " is not a ChatGPT data export: it looks like a Claude export; import it"
            + " with 'memvault import claude'",
        failure(CLAUDE_JSON, Provider.CHATGPT).getMessage());
    assertFalse(anyImported(vault, "chatgpt", "0c9e6f1a-0001-4d2e-8f00-bbbbbbbbbbb1"));
  }

  @Test
  void zipWithoutConversationsJson_saysSo() {
    Path zip = Fixtures.zip(temp, "photos.zip", "user.json", "{}".getBytes(StandardCharsets.UTF_8));

    assertEquals(
        zip + " holds no conversations.json; is it a ChatGPT data export?",
        failure(zip, Provider.CHATGPT).getMessage());
  }

  @Test
  void truncatedZip_isDamaged() throws IOException {
    byte[] whole = Files.readAllBytes(Fixtures.CHATGPT_ZIP);
    Path cut = temp.resolve("cut-download.zip");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));

    String message = failure(cut, Provider.CHATGPT).getMessage();

    assertTrue(message.startsWith(cut + " is a damaged zip archive ("), message);
    assertTrue(message.endsWith("); download the export again"), message);
  }

  @Test
  void zipNamedFileThatIsNoZip_saysSo() throws IOException {
    Path file = temp.resolve("export.zip");
    Files.writeString(file, "<html>Download expired</html>");

    assertEquals(
        file
            + " is not a zip archive (it does not start with a zip header); is the download"
            + " complete?",
        failure(file, Provider.CHATGPT).getMessage());
  }

  @Test
  void missingFile_isNotFound() {
    Path missing = temp.resolve("nowhere.zip");
    VaultException e =
        assertThrows(
            VaultException.NotFound.class, () -> importInto(vault, Provider.CLAUDE, missing));
    assertEquals("no file " + missing, e.getMessage());
  }

  @Test
  void emptyList_importsNothing() throws IOException {
    Path file = temp.resolve("empty-list.json");
    Files.writeString(file, " [ ] \n");

    ImportSummary summary = importInto(vault, Provider.CLAUDE, file);

    assertEquals(0, summary.conversationsRead());
    assertFalse(summary.allFailed());
  }

  @Test
  void invalidScope_isRefusedBeforeReading() {
    VaultException e =
        assertThrows(
            VaultException.InvalidInput.class,
            () -> ImportOptions.defaults().withScope("My Chats"));
    assertTrue(e.getMessage().startsWith("scope 'My Chats' is not valid"), e.getMessage());
  }

  private static ExportFormatException failure(Path file, Provider provider) {
    return assertThrows(ExportFormatException.class, () -> importInto(vault, provider, file));
  }
}
