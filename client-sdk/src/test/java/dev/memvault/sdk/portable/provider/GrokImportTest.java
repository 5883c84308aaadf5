package dev.memvault.sdk.portable.provider;

import static dev.memvault.sdk.portable.provider.Fixtures.GROK_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.GROK_ZIP;
import static dev.memvault.sdk.portable.provider.Fixtures.importInto;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.internal.ImportedMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** xAI's Grok export: wrapped responses, BSON dates, branches, thinking and citations. */
class GrokImportTest {
  private static final String MARATHON = "c0ffee00-0000-4000-8000-000000000001";
  private static final String CELLO = "c0ffee00-0000-4000-8000-000000000002";

  @TempDir Path temp;

  @Test
  void export_keepsBranches_thinkingAndCitations() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.GROK, GROK_ZIP);

      assertEquals(2, summary.conversationsAdded());
      assertEquals(6, summary.messagesAdded());
      assertEquals(1, summary.instructionsAdded());
      assertEquals(List.of(), summary.failures());

      Memory marathon = Fixtures.imported(vault, "grok", MARATHON);
      assertEquals("Marathon training plan", marathon.getConversation().getTitle());
      assertEquals(3, marathon.getConversation().getMessageCount());
      List<Memory> thread = Fixtures.visibleThread(vault, marathon);
      assertEquals(
          List.of("r1", "r3", "r4"),
          thread.stream().map(m -> m.getSource().getExternalId()).toList());
      assertEquals(
          List.of(Role.USER, Role.ASSISTANT, Role.ASSISTANT),
          thread.stream().map(m -> m.getMessage().getRole()).toList());
      assertEquals(1748772000L, thread.get(0).getCreatedAt().getSeconds());
      assertEquals(
          List.of(
              Part.newBuilder()
                  .setType(PartType.ASSET)
                  .setFileName("users/x/generated/img-1.png")
                  .setMediaType("image/*")
                  .build()),
          thread.get(2).getMessage().getPartsList());
      assertEquals("grok-4", thread.get(2).getSource().getModel());

      Memory alternate = Fixtures.imported(vault, "grok", "r2");
      assertEquals(Role.ASSISTANT, alternate.getMessage().getRole());
      assertEquals(1, alternate.getMessage().getPosition());
      assertEquals(alternate.getId(), alternate.getMessage().getBranch());
      assertEquals(thread.get(1).getId(), alternate.getLinks(0).getTargetId());
      assertEquals("alternate-of", alternate.getLinks(0).getRelation());
      assertEquals(PartType.THINKING, alternate.getMessage().getParts(0).getType());
      assertEquals("Build to 60 km a week with one long run.", alternate.getText());

      Memory answer = Fixtures.imported(vault, "grok", "s2");
      Part citation = answer.getMessage().getParts(1);
      assertEquals(PartType.CITATION, citation.getType());
      assertEquals("https://example.invalid/strings", citation.getUrl());
      assertEquals("Cello strings guide", citation.getName());
      assertEquals(CELLO, Fixtures.imported(vault, "grok", CELLO).getSource().getExternalId());

      Memory personality =
          Fixtures.imported(
              vault, "grok", "project/" + ImportedMemory.digest("Running") + "/custom_personality");
      assertEquals(Kind.INSTRUCTION, personality.getKind());
      assertEquals("Be a strict but kind coach.", personality.getText());
    }
  }

  @Test
  void zipAndJson_importAlike_andAgainChangesNothing() {
    try (MemoryVault fromJson = Fixtures.newVault(temp.resolve("json"));
        MemoryVault fromZip = Fixtures.newVault(temp.resolve("zip"))) {
      importInto(fromJson, Provider.GROK, GROK_JSON);
      importInto(fromZip, Provider.GROK, GROK_ZIP);
      List<String> before = Fixtures.describeAll(fromZip);

      ImportSummary again = importInto(fromZip, Provider.GROK, GROK_JSON);

      // The project's instruction has no time in the export: it carries each import's own.
      assertEquals(
          withoutInstructions(Fixtures.describeAll(fromJson)), withoutInstructions(before));
      assertEquals(2, again.conversationsUnchanged());
      assertEquals(0, again.messagesAdded() + again.instructionsAdded());
      assertEquals(before, Fixtures.describeAll(fromZip));
    }
  }

  private static List<String> withoutInstructions(List<String> described) {
    return described.stream().filter(line -> !line.contains("kind: INSTRUCTION")).toList();
  }

  @Test
  void truncatedExport_isRefused_withTheConversation() throws IOException {
    byte[] whole = Files.readAllBytes(GROK_JSON);
    Path cut = temp.resolve("prod-grok-backend.json");
    Files.write(cut, Arrays.copyOf(whole, 600));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.GROK, cut));

      assertTrue(e.getMessage().startsWith(cut + " ends unexpectedly at byte 600"), e.getMessage());
      assertTrue(e.getMessage().contains("in conversation 1"), e.getMessage());
      assertEquals(0, vault.list(Selection.all()).size());
    }
  }

  @Test
  void otherExports_areRefused_sayingWhich() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException chatgpt =
          assertThrows(
              ExportFormatException.class,
              () -> importInto(vault, Provider.GROK, Fixtures.CHATGPT_JSON));
      assertEquals(
          Fixtures.CHATGPT_JSON
              + " is not a Grok data export: expected an object with a list 'conversations',"
              + " found a list",
          chatgpt.getMessage());
      ExportFormatException claudeZip =
          assertThrows(
              ExportFormatException.class,
              () -> importInto(vault, Provider.GROK, Fixtures.CLAUDE_ZIP));
      assertEquals(
          Fixtures.CLAUDE_ZIP + " holds no prod-grok-backend.json; is it a Grok data export?",
          claudeZip.getMessage());
      assertEquals(0, vault.list(Selection.all()).size());
    }
  }

  @Test
  void emptyExport_isRefused() throws IOException {
    Path file = temp.resolve("empty.json");
    Files.writeString(file, "{\"tasks\": []}");
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.GROK, file));

      assertEquals(
          file + " is not a Grok data export: it has no list 'conversations'", e.getMessage());
    }
  }

  @Test
  void brokenTree_failsItsConversationAlone() throws IOException {
    Path file = temp.resolve("broken.json");
    Files.writeString(
        file,
        Files.readString(GROK_JSON)
            .replace("\"parent_response_id\": \"s1\"", "\"parent_response_id\": \"gone\""));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.GROK, file);

      assertEquals(
          List.of(
              new ImportSummary.Failure(
                  2,
                  CELLO,
                  "response 's2' has parent_response_id 'gone', which is not in responses")),
          summary.failures());
      assertEquals(1, summary.conversationsAdded());
      assertTrue(!Fixtures.anyImported(vault, "grok", "s1"));
    }
  }
}
