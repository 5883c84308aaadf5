package dev.memvault.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a ChatGPT-shaped {@code conversations.json} of a given size with a streaming generator, so
 * that the file can be far larger than the heap. Conversations have 4 to 24 messages of 100 to
 * 1,500 characters drawn from a seeded Zipf-like vocabulary, model slugs on assistant messages, and
 * one regenerated answer (an alternate branch) in every fifth conversation.
 */
final class ChatGptExportGenerator {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What was written: the counts the import must reproduce. */
  record Export(Path file, long bytes, int conversations, int messages) {}

  private ChatGptExportGenerator() {}

  static Export generate(Path file, long targetBytes, long seed) throws IOException {
    Random random = new Random(seed);
    String[] vocabulary = vocabulary(random, 4_000);
    int conversations = 0;
    int messages = 0;
    CountingOutputStream counted =
        new CountingOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    try (OutputStream out = counted;
        JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      while (counted.count < targetBytes) {
        int count = 4 + random.nextInt(21);
        writeConversation(json, conversations, count, random, vocabulary);
        conversations++;
        messages += count + (conversations % 5 == 0 ? 1 : 0);
        // The generator buffers; flushing now and then keeps the byte count close.
        json.flush();
      }
      json.writeEndArray();
    }
    return new Export(file, Files.size(file), conversations, messages);
  }

  private static void writeConversation(
      JsonGenerator json, int number, int count, Random random, String[] vocabulary) {
    String prefix = "c" + number + "-";
    double created = 1_650_000_000.0 + number * 3_600.0;
    json.writeStartObject();
    json.writeStringProperty("id", "bench-conversation-" + number);
    json.writeStringProperty(
        "title", "Conversation " + number + " about " + word(random, vocabulary));
    json.writeNumberProperty("create_time", created);
    json.writeNumberProperty("update_time", created + count * 60.0);
    json.writeStringProperty("current_node", prefix + (count - 1));
    json.writeObjectPropertyStart("mapping");
    node(json, prefix + "root", null, null, null, 0, null);
    for (int m = 0; m < count; m++) {
      String parent = m == 0 ? prefix + "root" : prefix + (m - 1);
      String role = m % 2 == 0 ? "user" : "assistant";
      node(
          json,
          prefix + m,
          parent,
          role,
          text(random, vocabulary),
          created + m * 60.0,
          role.equals("assistant") ? "gpt-4o" : null);
    }
    if ((number + 1) % 5 == 0) {
      node(
          json,
          prefix + "regenerated",
          prefix + 0,
          "assistant",
          text(random, vocabulary),
          created + 30.0,
          "gpt-4o");
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void node(
      JsonGenerator json,
      String id,
      String parent,
      String role,
      String text,
      double time,
      String model) {
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
      json.writeNumberProperty("create_time", time);
      json.writeObjectPropertyStart("content");
      json.writeStringProperty("content_type", "text");
      json.writeArrayPropertyStart("parts");
      json.writeString(text);
      json.writeEndArray();
      json.writeEndObject();
      json.writeObjectPropertyStart("metadata");
      if (model != null) {
        json.writeStringProperty("model_slug", model);
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  /** Counts the bytes written through it. */
  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  private static String text(Random random, String[] vocabulary) {
    int length = 100 + random.nextInt(1_400);
    StringBuilder text = new StringBuilder(length + 16);
    while (text.length() < length) {
      if (text.length() > 0) {
        text.append(random.nextInt(12) == 0 ? ". " : " ");
      }
      text.append(word(random, vocabulary));
    }
    return text.toString();
  }

  /** Zipf-like: low indexes are far more frequent. */
  private static String word(Random random, String[] vocabulary) {
    double u = random.nextDouble();
    return vocabulary[
        (int) Math.min(vocabulary.length - 1, Math.floor(Math.pow(vocabulary.length, u)) - 1)];
  }

  private static String[] vocabulary(Random random, int size) {
    String letters = "etaoinshrdlcumwfgypbvkjxqz";
    String[] words = new String[size];
    for (int i = 0; i < size; i++) {
      int length = 2 + random.nextInt(9);
      StringBuilder word = new StringBuilder(length);
      for (int c = 0; c < length; c++) {
        word.append(
            letters.charAt(
                Math.min(
                    letters.length() - 1,
                    (int) (random.nextDouble() * random.nextDouble() * letters.length()))));
      }
      words[i] = word.toString();
    }
    return words;
  }
}
