package dev.memvault.sdk.portable.provider;

import static dev.memvault.sdk.portable.provider.Fixtures.CHATGPT_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.GROK_JSON;
import static dev.memvault.sdk.portable.provider.Fixtures.importInto;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memvault.sdk.MemoryVault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import's summary counts, per kind, the parts of the messages it added whose content the vault
 * does not hold: assets the export only points to, attachments without text, blocks of unknown
 * types without text. Importing the same export again adds no message and counts nothing.
 */
class SkippedPartsImportTest {
  @TempDir Path temp;

  @Test
  void chatGptFixture_anImagePointer_countedOnceAndNotAgainOnReimport() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary first = importInto(vault, Provider.CHATGPT, CHATGPT_JSON);
      ImportSummary again = importInto(vault, Provider.CHATGPT, CHATGPT_JSON);

      assertEquals(Map.of(SkippedPart.IMAGE, 1), first.partsSkipped());
      assertEquals("1 image", first.describePartsSkipped());
      assertEquals(Map.of(), again.partsSkipped());
      assertEquals("", again.describePartsSkipped());
    }
  }

  @Test
  void grokFixture_aGeneratedImage_countedAsAnImage() {
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.GROK, GROK_JSON);

      assertEquals(Map.of(SkippedPart.IMAGE, 1), summary.partsSkipped());
    }
  }

  @Test
  void claudeBlocksWithoutText_countedPerKindInTheSummaryLine() throws Exception {
    Path export = temp.resolve("conversations.json");
    Files.writeString(
        export,
        """
        [{"uuid": "0c9e6f1a-0009-4d2e-8f00-bbbbbbbbbbb9", "name": "Photos",
          "created_at": "2024-06-02T09:15:00.000000Z", "updated_at": "2024-06-02T09:40:00.000000Z",
          "chat_messages": [
            {"uuid": "m1", "sender": "human", "text": "",
             "created_at": "2024-06-02T09:15:00.000000Z",
             "content": [
               {"type": "text", "text": "Two photos of the boiler and a voice note."},
               {"type": "image"}, {"type": "image"}, {"type": "voice_note"},
               {"type": "hologram"}],
             "attachments": [
               {"file_name": "manual.pdf", "file_size": 9, "file_type": "application/pdf"}],
             "files": [{"file_name": "boiler.jpg"}]}]}]
        """);
    try (MemoryVault vault = Fixtures.newVault(temp.resolve("vault"))) {
      ImportSummary summary = importInto(vault, Provider.CLAUDE, export);

      assertEquals(1, summary.messagesAdded());
      assertEquals(
          Map.of(
              SkippedPart.IMAGE, 2,
              SkippedPart.AUDIO, 1,
              SkippedPart.FILE, 2,
              SkippedPart.UNKNOWN, 1),
          summary.partsSkipped());
      assertEquals(
          "2 images, 1 audio file, 2 files, 1 part of an unknown type",
          summary.describePartsSkipped());
    }
  }
}
