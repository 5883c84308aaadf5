package dev.memvault.sdk.portable.provider;

import static dev.memvault.sdk.portable.provider.Fixtures.GEMINI_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.GEMINI_ZIP;
import static dev.memvault.sdk.portable.provider.Fixtures.importInto;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Google Takeout's Gemini Apps activity log, grouped into conversations. */
class GeminiImportTest {
  private static final String LISBON = "a1b2c3d4e5f60718";
  private static final String CRON = "ffee00112233aabb";
  private static final String UNLINKED = "activity/2025-04-12T09:00:00.000Z";

  @TempDir Path temp;

  @Test
  void activityLog_isGroupedByConversation_inTimeOrder() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.GEMINI, GEMINI_JSON);

      assertEquals(3, summary.conversationsRead());
      assertEquals(3, summary.conversationsAdded());
      assertEquals(8, summary.messagesAdded());
      assertEquals(List.of(), summary.failures());

      Memory lisbon = Fixtures.imported(vault, "gemini", LISBON);
      // The first prompt, cut at a word to 60 characters.
      assertEquals(
          "I'm travelling to Lisbon in May with my partner, who…",
          lisbon.getConversation().getTitle());
      assertEquals(4, lisbon.getConversation().getMessageCount());
      List<Memory> thread = Fixtures.visibleThread(vault, lisbon);
      assertEquals(
          List.of(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT),
          thread.stream().map(m -> m.getMessage().getRole()).toList());
      assertTrue(thread.get(0).getText().startsWith("I'm travelling to Lisbon"));
      assertTrue(thread.get(2).getText().startsWith("Which Lisbon neighbourhood"));
      assertEquals(thread.get(2).getMessage().getParentId(), thread.get(1).getId());
      assertEquals(1740938515L, lisbon.getCreatedAt().getSeconds());

      Memory cron = Fixtures.imported(vault, "gemini", CRON);
      List<Memory> cronThread = Fixtures.visibleThread(vault, cron);
      assertEquals(
          "Write a cron line that runs restic backup at 02:30 every night",
          cronThread.get(0).getText());
      assertEquals("30 2 * * * restic backup /home --exclude-caches", cronThread.get(1).getText());

      Memory unlinked = Fixtures.imported(vault, "gemini", UNLINKED);
      assertEquals(2, unlinked.getConversation().getMessageCount());
    }
  }

  @Test
  void takeoutZip_importsAsItsJson_andAgainChangesNothing() {
    try (MemoryVault fromJson = Fixtures.newVault(temp.resolve("json"));
        MemoryVault fromZip = Fixtures.newVault(temp.resolve("zip"))) {
      importInto(fromJson, Provider.GEMINI, GEMINI_JSON);
      importInto(fromZip, Provider.GEMINI, GEMINI_ZIP);
      List<String> before = Fixtures.describeAll(fromZip);

      ImportSummary again = importInto(fromZip, Provider.GEMINI, GEMINI_JSON);

      assertEquals(Fixtures.describeAll(fromJson), before);
      assertEquals(3, again.conversationsUnchanged());
      assertEquals(0, again.messagesAdded());
      assertEquals(8, again.messagesAlreadyPresent());
      assertEquals(before, Fixtures.describeAll(fromZip));
    }
  }

  @Test
  void truncatedLog_isRefusedBeforeAnythingIsWritten() throws IOException {
    byte[] whole = Files.readAllBytes(GEMINI_JSON);
    Path cut = temp.resolve("MyActivity.json");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 300));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.GEMINI, cut));

      assertTrue(e.getMessage().startsWith(cut + " ends unexpectedly at byte "), e.getMessage());
      assertTrue(e.getMessage().contains("in entry 4"), e.getMessage());
      assertEquals(0, vault.list(Selection.all()).size());
    }
  }

  @Test
  void takeoutOfAnotherProduct_saysWhatToChoose() {
    Path zip =
        Fixtures.zip(
            temp,
            "takeout-search.zip",
            "Takeout/My Activity/Search/MyActivity.json",
            "[]".getBytes(StandardCharsets.UTF_8));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.GEMINI, zip));

      assertEquals(
          zip
              + " holds the activity of Search, not of Gemini Apps; in Google Takeout, choose My"
              + " Activity and, under its activity records, Gemini Apps",
          e.getMessage());
    }
  }

  @Test
  void activityLogOfAnotherProduct_saysWhatToChoose() throws IOException {
    Path file = temp.resolve("youtube.json");
    Files.writeString(
        file,
        "[{\"header\": \"YouTube\", \"title\": \"Watched a video\", \"time\":"
            + " \"2025-01-01T00:00:00Z\", \"products\": [\"YouTube\"]}]");
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.GEMINI, file));

      assertEquals(
          file
              + " is not a Gemini data export: it is the activity of YouTube; in Google Takeout,"
              + " choose My Activity and, under its activity records, Gemini Apps",
          e.getMessage());
      assertEquals(0, vault.list(Selection.all()).size());
    }
  }

  @Test
  void emptyFile_isRefused() throws IOException {
    Path file = temp.resolve("empty.json");
    Files.writeString(file, "");
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.GEMINI, file));

      assertEquals(file + " is empty; expected a Gemini data export", e.getMessage());
    }
  }

  @Test
  void badEntry_failsItsWholeConversation_only() throws IOException {
    Path file = temp.resolve("bad.json");
    Files.writeString(
        file,
        Files.readString(GEMINI_JSON)
            .replace("\"time\": \"2025-03-02T18:01:55.000Z\"", "\"time\": 1740938515"));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.GEMINI, file);

      assertEquals(
          List.of(new ImportSummary.Failure(1, LISBON, "entry 2: time is not a string")),
          summary.failures());
      assertEquals(2, summary.conversationsAdded());
      assertTrue(!Fixtures.anyImported(vault, "gemini", LISBON));
    }
  }

  @Test
  void newerLog_addsTheNewExchangeToItsConversation() throws IOException {
    String newer =
        Files.readString(GEMINI_JSON)
            .replaceFirst(
                "\\[",
                "[{\"header\": \"Gemini Apps\", \"title\": \"Used Gemini Apps\","
                    + " \"titleUrl\": \"https://gemini.google.com/app/c/a1b2c3d4e5f60718\","
                    + " \"time\": \"2025-03-03T08:00:00.000Z\","
                    + " \"products\": [\"Gemini Apps\"],"
                    + " \"details\": [{\"name\": \"Request\","
                    + " \"value\": \"And for lunch?\"}]},");
    Path file = Files.createDirectories(temp.resolve("newer")).resolve("MyActivity.json");
    Files.writeString(file, newer);
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      importInto(vault, Provider.GEMINI, GEMINI_JSON);

      ImportSummary summary = importInto(vault, Provider.GEMINI, file);

      assertEquals(1, summary.conversationsUpdated());
      assertEquals(2, summary.conversationsUnchanged());
      assertEquals(1, summary.messagesAdded());
      List<Memory> thread =
          Fixtures.visibleThread(vault, Fixtures.imported(vault, "gemini", LISBON));
      assertEquals(5, thread.size());
      assertEquals("And for lunch?", thread.get(4).getText());
      assertEquals(thread.get(3).getId(), thread.get(4).getMessage().getParentId());
    }
  }

  @Test
  void unpackedTakeoutFolder_imports() throws IOException {
    Path folder = temp.resolve("Takeout/My Activity/Gemini Apps");
    Files.createDirectories(folder);
    Files.copy(GEMINI_JSON, folder.resolve("MyActivity.json"));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.GEMINI, temp.resolve("Takeout"));

      assertEquals(3, summary.conversationsAdded());
    }
  }

  @Test
  void takeoutInHtml_saysToChooseJson() {
    Path zip =
        Fixtures.zip(
            temp,
            "takeout-html.zip",
            "Takeout/My Activity/Gemini Apps/MyActivity.html",
            "<html></html>".getBytes(StandardCharsets.UTF_8));
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(ExportFormatException.class, () -> importInto(vault, Provider.GEMINI, zip));

      assertEquals(
          zip
              + " holds the Gemini Apps activity as HTML; in Google Takeout, choose JSON as the"
              + " format of My Activity and export again",
          e.getMessage());
    }
  }

  @Test
  void progress_growsToTheFileSize_overBothPasses() throws IOException {
    List<long[]> updates = new ArrayList<>();
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ProviderImporter.run(
          vault,
          Provider.GEMINI,
          GEMINI_JSON,
          ImportOptions.defaults()
              .withProgress((read, total) -> updates.add(new long[] {read, total})));
    }
    long size = Files.size(GEMINI_JSON);
    assertTrue(updates.size() >= 8, "one update per entry and pass");
    for (int i = 1; i < updates.size(); i++) {
      assertTrue(updates.get(i)[0] >= updates.get(i - 1)[0], "progress went back at " + i);
      assertEquals(size, updates.get(i)[1]);
    }
    assertTrue(updates.get(0)[0] <= size / 2);
    assertEquals(size, updates.get(updates.size() - 1)[0]);
  }

  @Test
  void activityLogGivenToTheChatGptImport_namesTheGeminiCommand() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ExportFormatException e =
          assertThrows(
              ExportFormatException.class, () -> importInto(vault, Provider.CHATGPT, GEMINI_JSON));

      assertEquals(
          GEMINI_JSON
              + " is not a ChatGPT data export: it looks like Google Takeout's activity log;"
              + " import it with 'memvault import gemini'",
          e.getMessage());
    }
  }
}
