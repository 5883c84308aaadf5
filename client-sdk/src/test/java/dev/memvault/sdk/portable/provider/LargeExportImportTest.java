package dev.memvault.sdk.portable.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonGenerator;

/**
 * An export larger than the heap imports in a child JVM limited to 256 MB: the importer holds one
 * conversation at a time. Most of the file's bytes are a field the importer reads and drops, so the
 * test stays quick while the file outgrows the heap.
 */
class LargeExportImportTest {
  private static final int CONVERSATIONS = 400;
  private static final int MESSAGES_PER_THREAD = 10;
  private static final int PADDING_CHARS = 700_000;
  static final String HEAP = "-Xmx256m";

  @TempDir Path temp;

  @Test
  void exportLargerThanTheHeap_importsInA256MegabyteJvm() throws Exception {
    Path export = temp.resolve("conversations.json");
    generate(export);
    assertTrue(Files.size(export) > 256L * 1024 * 1024, "the export must outgrow the heap");
    Path vaultDir = temp.resolve("vault");
    String printed = importInSmallHeap(temp, vaultDir, export, Provider.CHATGPT);
    int messages = CONVERSATIONS * (MESSAGES_PER_THREAD + 1);
    assertEquals(
        "read=" + CONVERSATIONS + " added=" + CONVERSATIONS + " messages=" + messages + " failed=0",
        printed.strip());

    try (MemoryVault vault = MemoryVault.open(vaultDir, "a passphrase".toCharArray())) {
      assertEquals(
          MESSAGES_PER_THREAD,
          Fixtures.imported(vault, "chatgpt", "large-399").getConversation().getMessageCount());
      assertEquals(1, vault.search("needle399", dev.memvault.core.vault.Selection.all()).size());
    }
  }

  /**
   * Imports {@code export} into a new vault at {@code vaultDir} in a child JVM limited to 256 MB
   * and returns what it printed; fails the test if the child fails or runs out of memory.
   */
  static String importInSmallHeap(Path temp, Path vaultDir, Path export, Provider provider)
      throws IOException, InterruptedException {
    Fixtures.newVault(vaultDir).close();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            HEAP,
            "-cp",
            System.getProperty("java.class.path"),
            LargeExportImportMain.class.getName(),
            vaultDir.toString(),
            export.toString(),
            provider.name());
    Path output = temp.resolve("child-output.txt");
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean finished = child.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      child.destroyForcibly();
    }
    String printed = Files.readString(output);
    assertTrue(finished, "the import did not finish: " + printed);
    assertEquals(0, child.exitValue(), printed);
    return printed;
  }

  /**
   * Writes a ChatGPT-shaped export with a streaming generator: each conversation is a linear thread
   * plus one regenerated answer, and carries a large field the importer ignores.
   */
  private static void generate(Path file) throws IOException {
    Random random = new Random(7);
    String[] words = {"lisbon", "vault", "sync", "tea", "river", "backup", "orange", "piano"};
    String padding = "p".repeat(PADDING_CHARS);
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator json = Fixtures.JSON.createGenerator(out)) {
      json.writeStartArray();
      for (int c = 0; c < CONVERSATIONS; c++) {
        String prefix = "c" + c + "-";
        json.writeStartObject();
        json.writeStringProperty("id", "large-" + c);
        json.writeStringProperty("title", "Conversation " + c);
        json.writeNumberProperty("create_time", 1_700_000_000.0 + c);
        json.writeStringProperty("current_node", prefix + (MESSAGES_PER_THREAD - 1));
        json.writeStringProperty("unused_padding", padding);
        json.writeObjectPropertyStart("mapping");
        node(json, prefix + "root", null, null, null);
        for (int m = 0; m < MESSAGES_PER_THREAD; m++) {
          String parent = m == 0 ? prefix + "root" : prefix + (m - 1);
          StringBuilder text = new StringBuilder(m == 0 ? "needle" + c : "");
          for (int w = 0; w < 300; w++) {
            text.append(' ').append(words[random.nextInt(words.length)]);
          }
          node(json, prefix + m, parent, m % 2 == 0 ? "user" : "assistant", text.toString());
        }
        node(
            json,
            prefix + "regenerated",
            prefix + 0,
            "assistant",
            "an answer that was regenerated");
        json.writeEndObject();
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    Files.writeString(file, "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
  }

  private static void node(JsonGenerator json, String id, String parent, String role, String text) {
    json.writeObjectPropertyStart(id);
    json.writeStringProperty("id", id);
    json.writeStringProperty("parent", parent);
    if (role == null) {
      json.writeNullProperty("message");
    } else {
      json.writeObjectPropertyStart("message");
      json.writeStringProperty("id", "m-" + id);
      json.writeObjectPropertyStart("author");
      json.writeStringProperty("role", role);
      json.writeEndObject();
      json.writeObjectPropertyStart("content");
      json.writeStringProperty("content_type", "text");
      json.writeArrayPropertyStart("parts");
      json.writeString(text);
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
    }
    json.writeEndObject();
  }
}
