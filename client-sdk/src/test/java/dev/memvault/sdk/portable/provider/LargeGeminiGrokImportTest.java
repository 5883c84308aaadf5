package dev.memvault.sdk.portable.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.gemini.GeminiActivityImport;
import dev.memvault.sdk.portable.provider.internal.ImportedMemory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonGenerator;

/**
 * Gemini and Grok exports larger than the heap import in a child JVM limited to 256 MB. Most of
 * each file's bytes are a field the importers read and drop. The Gemini log interleaves its
 * conversations, newest first, and holds more prompt and answer text than one collecting pass
 * takes, so it is read in several passes.
 */
class LargeGeminiGrokImportTest {
  private static final int CONVERSATIONS = 400;
  private static final int GEMINI_EXCHANGES = 8;
  private static final int GROK_MESSAGES = 10;
  private static final int GEMINI_PADDING_CHARS = 90_000;
  private static final int GROK_PADDING_CHARS = 700_000;
  private static final String[] WORDS = {"lisbon", "vault", "sync", "tea", "river", "piano"};

  @TempDir Path temp;

  @Test
  void geminiLogLargerThanTheHeap_importsInA256MegabyteJvm_inSeveralPasses() throws Exception {
    Path export = temp.resolve("MyActivity.json");
    long promptChars = generateGemini(export);
    assertTrue(Files.size(export) > 256L * 1024 * 1024, "the export must outgrow the heap");
    assertTrue(
        promptChars > GeminiActivityImport.PASS_BUDGET_CHARS,
        "the prompts and answers must need more than one pass");
    Path vaultDir = temp.resolve("vault");

    String printed =
        LargeExportImportTest.importInSmallHeap(temp, vaultDir, export, Provider.GEMINI);

    int messages = CONVERSATIONS * GEMINI_EXCHANGES * 2;
    assertEquals(
        "read=" + CONVERSATIONS + " added=" + CONVERSATIONS + " messages=" + messages + " failed=0",
        printed.strip());
    try (MemoryVault vault = MemoryVault.open(vaultDir, "a passphrase".toCharArray())) {
      Memory conversation = Fixtures.imported(vault, "gemini", "conv399");
      assertEquals(GEMINI_EXCHANGES * 2, conversation.getConversation().getMessageCount());
      List<Memory> thread = Fixtures.visibleThread(vault, conversation);
      assertTrue(thread.get(0).getText().startsWith("needle399 exchange0 "));
      assertTrue(thread.get(14).getText().startsWith("needle399 exchange7 "));
    }
  }

  @Test
  void grokExportLargerThanTheHeap_importsInA256MegabyteJvm() throws Exception {
    Path export = temp.resolve("prod-grok-backend.json");
    generateGrok(export);
    assertTrue(Files.size(export) > 256L * 1024 * 1024, "the export must outgrow the heap");
    Path vaultDir = temp.resolve("vault");

    String printed = LargeExportImportTest.importInSmallHeap(temp, vaultDir, export, Provider.GROK);

    int messages = CONVERSATIONS * (GROK_MESSAGES + 1);
    assertEquals(
        "read=" + CONVERSATIONS + " added=" + CONVERSATIONS + " messages=" + messages + " failed=0",
        printed.strip());
    try (MemoryVault vault = MemoryVault.open(vaultDir, "a passphrase".toCharArray())) {
      assertEquals(
          GROK_MESSAGES,
          Fixtures.imported(vault, "grok", "grok-399").getConversation().getMessageCount());
      // The projects come after the conversations in the file: read after streaming them.
      assertEquals(
          "Be brief.",
          Fixtures.imported(
                  vault,
                  "grok",
                  "project/" + ImportedMemory.digest("Large") + "/custom_personality")
              .getText());
    }
  }

  /**
   * Writes a Takeout activity log, newest first: each round of entries gives every conversation one
   * more exchange. Returns the characters of prompts and answers.
   */
  private static long generateGemini(Path file) throws IOException {
    Random random = new Random(11);
    String padding = "p".repeat(GEMINI_PADDING_CHARS);
    long chars = 0;
    long base = 1_700_000_000_000L;
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator json = Fixtures.JSON.createGenerator(out)) {
      json.writeStartArray();
      for (int e = GEMINI_EXCHANGES - 1; e >= 0; e--) {
        for (int c = CONVERSATIONS - 1; c >= 0; c--) {
          String request = "needle" + c + " exchange" + e + words(random, 600);
          String response = "answer" + words(random, 600);
          chars += request.length() + response.length();
          json.writeStartObject();
          json.writeStringProperty("header", "Gemini Apps");
          json.writeStringProperty("title", "Used Gemini Apps");
          json.writeStringProperty("titleUrl", "https://gemini.google.com/app/c/conv" + c);
          long millis = base + ((long) e * CONVERSATIONS + c) * 1000L;
          json.writeStringProperty("time", Instant.ofEpochMilli(millis).toString());
          json.writeArrayPropertyStart("products");
          json.writeString("Gemini Apps");
          json.writeEndArray();
          json.writeStringProperty("unused_padding", padding);
          json.writeArrayPropertyStart("details");
          detail(json, "Request", request);
          detail(json, "Response", response);
          json.writeEndArray();
          json.writeEndObject();
        }
      }
      json.writeEndArray();
    }
    return chars;
  }

  private static void detail(JsonGenerator json, String name, String value) {
    json.writeStartObject();
    json.writeStringProperty("name", name);
    json.writeStringProperty("value", value);
    json.writeEndObject();
  }

  /** An xAI export: linear threads plus one regenerated answer each, then one project. */
  private static void generateGrok(Path file) throws IOException {
    Random random = new Random(13);
    String padding = "p".repeat(GROK_PADDING_CHARS);
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator json = Fixtures.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayPropertyStart("conversations");
      for (int c = 0; c < CONVERSATIONS; c++) {
        json.writeStartObject();
        json.writeObjectPropertyStart("conversation");
        json.writeStringProperty("id", "grok-" + c);
        json.writeStringProperty("title", "Conversation " + c);
        json.writeStringProperty("create_time", "2025-06-01T10:00:00.000000Z");
        json.writeStringProperty("unused_padding", padding);
        json.writeEndObject();
        json.writeArrayPropertyStart("responses");
        for (int m = 0; m < GROK_MESSAGES; m++) {
          String parent = m == 0 ? null : "g" + c + "-" + (m - 1);
          String text = (m == 0 ? "needle" + c : "") + words(random, 300);
          String sender = m % 2 == 0 ? "human" : "assistant";
          response(json, "g" + c + "-" + m, parent, sender, text, 1_748_772_000_000L + m * 1000L);
        }
        // An older answer to the first prompt: an alternate, not the visible thread.
        response(json, "g" + c + "-old", "g" + c + "-0", "grok-3", "an older answer", 1L);
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayPropertyStart("projects");
      json.writeStartObject();
      json.writeStringProperty("name", "Large");
      json.writeStringProperty("custom_personality", "Be brief.");
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  private static void response(
      JsonGenerator json, String id, String parent, String sender, String text, long millis) {
    json.writeStartObject();
    json.writeObjectPropertyStart("response");
    json.writeStringProperty("_id", id);
    json.writeStringProperty("message", text);
    json.writeStringProperty("sender", sender);
    json.writeObjectPropertyStart("create_time");
    json.writeObjectPropertyStart("$date");
    json.writeStringProperty("$numberLong", Long.toString(millis));
    json.writeEndObject();
    json.writeEndObject();
    json.writeStringProperty("parent_response_id", parent);
    json.writeEndObject();
    json.writeNullProperty("share_link");
    json.writeEndObject();
  }

  private static String words(Random random, int count) {
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < count; w++) {
      text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }
}
