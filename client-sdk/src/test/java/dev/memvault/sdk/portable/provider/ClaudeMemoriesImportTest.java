package dev.memvault.sdk.portable.provider;

import static dev.memvault.sdk.portable.provider.Fixtures.CLAUDE_FULL_ZIP;
import static dev.memvault.sdk.portable.provider.Fixtures.CLAUDE_MEMORIES;
import static dev.memvault.sdk.portable.provider.Fixtures.CLAUDE_PROJECTS;
import static dev.memvault.sdk.portable.provider.Fixtures.importInto;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.context.ContextBuilder;
import dev.memvault.sdk.portable.context.ContextRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claude's full export: what Claude remembered and the projects, besides the conversations. */
class ClaudeMemoriesImportTest {
  private static final String PROJECT = "7b0d9a42-1111-4c3e-9d2a-ccccccccccc1";

  @TempDir Path temp;

  @Test
  void fullExport_splitsTheMemoryBlock_intoMemoriesOfTheirKinds() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.CLAUDE, CLAUDE_FULL_ZIP);

      assertEquals(2, summary.conversationsAdded());
      assertEquals(1, summary.projectsRead());
      assertEquals(1, summary.instructionsAdded());
      // 4 sentences of the account's block, 3 of the project's, the project and its document.
      assertEquals(9, summary.memoriesAdded());
      assertEquals(List.of(), summary.failures());

      Memory diet = byText(vault, "The user is vegetarian and allergic to peanuts.");
      assertEquals(Kind.PREFERENCE, diet.getKind());
      assertEquals("Personal context", diet.getAttributesOrThrow("section"));
      assertEquals("claude", diet.getSource().getProvider());
      assertTrue(diet.getSource().getExternalId().startsWith("memory/"));
      assertEquals(
          Kind.PREFERENCE,
          byText(vault, "They run a Pi-hole at home and prefer answers with shell commands.")
              .getKind());
      Memory work =
          byText(
              vault,
              "The user is a backend engineer at a logistics company in Zurich, working mostly"
                  + " in Java and PostgreSQL.");
      assertEquals(Kind.FACT, work.getKind());
      assertEquals("Work context", work.getAttributesOrThrow("section"));
      assertEquals(
          Kind.NOTE,
          byText(vault, "Planning a trip to Zurich in July with a budget of 1500 CHF.").getKind());

      Memory learning =
          byText(vault, "Conditional forwarding needs the Fritz!Box at 192.168.178.1.");
      assertEquals(Kind.FACT, learning.getKind());
      assertEquals("Home lab", learning.getAttributesOrThrow("claude_project"));
      assertEquals("Key learnings", learning.getAttributesOrThrow("section"));
      assertTrue(
          learning.getSource().getExternalId().startsWith("project/" + PROJECT + "/memory/"));
      assertEquals(
          Kind.NOTE,
          byText(vault, "Pi-hole on a Raspberry Pi 4; restic backups to a NAS nightly.").getKind());

      Memory instruction =
          Fixtures.imported(vault, "claude", "project/" + PROJECT + "/prompt_template");
      assertEquals(Kind.INSTRUCTION, instruction.getKind());
      assertEquals(
          "Always answer with copy-pasteable shell commands for Debian.", instruction.getText());
      assertEquals("Home lab", instruction.getAttributesOrThrow("claude_project"));
      Memory doc =
          Fixtures.imported(
              vault, "claude", "project/" + PROJECT + "/doc/9f2e4b10-2222-4d5e-8a3b-ddddddddddd1");
      assertEquals(Kind.NOTE, doc.getKind());
      assertEquals("network.md", doc.getAttributesOrThrow("file_name"));
      assertTrue(doc.getText().startsWith("Router: Fritz!Box 7590"), doc.getText());
      Memory project = Fixtures.imported(vault, "claude", "project/" + PROJECT);
      assertEquals("Claude project \"Home lab\": DNS and backups at home", project.getText());
    }
  }

  @Test
  void contextTrip_showsTheRememberedFacts() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      importInto(vault, Provider.CLAUDE, CLAUDE_FULL_ZIP);

      String block = new ContextBuilder(vault).build(ContextRequest.of("trip"));

      assertTrue(
          block.contains("- The user is vegetarian and allergic to peanuts. (claude, "), block);
      assertTrue(block.contains("- Planning a trip to Zurich in July"), block);
    }
  }

  @Test
  void reimport_changesNothing() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      importInto(vault, Provider.CLAUDE, CLAUDE_FULL_ZIP);
      List<String> before = Fixtures.describeAll(vault);

      ImportSummary again = importInto(vault, Provider.CLAUDE, CLAUDE_FULL_ZIP);
      ImportSummary loose = importInto(vault, Provider.CLAUDE, CLAUDE_MEMORIES);

      assertEquals(0, again.memoriesAdded() + again.memoriesUpdated() + again.instructionsAdded());
      // The nine memories and the project's instruction.
      assertEquals(10, again.memoriesAlreadyPresent());
      assertEquals(2, again.conversationsUnchanged());
      assertEquals(7, loose.memoriesAlreadyPresent());
      assertEquals(before, Fixtures.describeAll(vault));
    }
  }

  @Test
  void looseFiles_importAlone() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary memories = importInto(vault, Provider.CLAUDE, CLAUDE_MEMORIES);
      ImportSummary projects = importInto(vault, Provider.CLAUDE, CLAUDE_PROJECTS);

      assertEquals(7, memories.memoriesAdded());
      assertEquals(0, memories.conversationsRead());
      assertEquals(1, projects.projectsRead());
      assertEquals(2, projects.memoriesAdded());
      assertEquals(1, projects.instructionsAdded());
    }
  }

  @Test
  void truncatedMemories_isRefused_andTheVaultIsUnchanged() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("cut"));
    Path cut = dir.resolve("memories.json");
    byte[] whole = Files.readAllBytes(CLAUDE_MEMORIES);
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.CLAUDE, cut));

      assertTrue(e.getMessage().startsWith(cut + " ends unexpectedly at byte "), e.getMessage());
      assertTrue(e.getMessage().contains("in memory block 1"), e.getMessage());
      assertEquals(0, vault.list(Selection.all()).size());
    }
  }

  @Test
  void projectWithAWrongField_failsAlone() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("bad"));
    Path file = dir.resolve("projects.json");
    Files.writeString(
        file,
        Files.readString(CLAUDE_PROJECTS)
            .replace("\"filename\": \"network.md\"", "\"filename\": 7"));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.CLAUDE, file);

      assertEquals(
          List.of(
              new ImportSummary.Failure(1, PROJECT, "docs[0].filename is not a string", "project")),
          summary.failures());
      assertEquals("project 1 (id " + PROJECT + ")", summary.failures().get(0).where());
      assertTrue(summary.allFailed());
      assertEquals(0, vault.list(Selection.all()).size());
    }
  }

  private static Memory byText(MemoryVault vault, String text) {
    Optional<Memory> found =
        vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT)).stream()
            .filter(m -> m.getText().equals(text))
            .findFirst();
    assertTrue(found.isPresent(), "no memory '" + text + "'");
    return found.get();
  }
}
