package dev.memvault.sdk.portable.jsonl;

import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Conversation;
import dev.memvault.proto.v1.Embedding;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.proto.v1.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Fills a vault with random memories that use every field of the format: several scopes and kinds,
 * tags, attributes, sources, embeddings, links, updates giving several revisions, a conversation
 * with typed messages, fields from a newer version, and forgotten memories.
 */
final class SeededMemories {
  static final List<String> SCOPES = List.of("work", "personal", "health");
  private static final List<Kind> KINDS =
      List.of(Kind.FACT, Kind.PREFERENCE, Kind.INSTRUCTION, Kind.NOTE);
  private static final List<String> WORDS =
      List.of(
          "lisbon",
          "metric",
          "Café",
          "naïve",
          "😀",
          "日本語",
          "tea",
          "boiler",
          "\"quoted\"",
          "line\nbreak",
          "tab\there");

  private final Random random;
  private final Vault vault;
  private final List<String> ids = new ArrayList<>();

  /** Seeds from {@code seed}, printed by the caller so that a failure can be repeated. */
  static long seed() {
    String fixed = System.getProperty("memvault.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
    System.out.println("seed " + seed + " (rerun with -Dmemvault.seed=" + seed + ")");
    return seed;
  }

  SeededMemories(Vault vault, long seed) {
    this.vault = vault;
    this.random = new Random(seed);
  }

  /** Adds {@code count} memories and one conversation, updates and forgets some of them. */
  void fill(int count) {
    for (int i = 0; i < count; i++) {
      ids.add(vault.add(memory(i)).getId());
    }
    String conversation = conversation();
    for (String id : List.copyOf(ids)) {
      int updates = random.nextInt(4);
      for (int u = 0; u < updates; u++) {
        vault.update(
            id,
            builder -> {
              builder.setText(text());
              if (random.nextBoolean()) {
                builder.clearTags().addTags("edited-" + random.nextInt(5));
              }
              if (random.nextBoolean()) {
                builder.putAttributes("edit", Integer.toString(random.nextInt(100)));
              }
            });
      }
    }
    vault.update(conversation, builder -> builder.setText("summary: " + text()));
    for (int i = 0; i < Math.max(1, count / 6); i++) {
      String forgotten = ids.remove(random.nextInt(ids.size()));
      vault.forget(forgotten);
    }
    // A whole conversation forgotten: its messages must not be exported either.
    String gone = vault.add(conversationHeader("personal", "forgotten chat")).getId();
    vault.add(message("personal", gone, 0, Role.USER, List.of(textPart("never exported"))));
    vault.forget(gone);
  }

  private Memory memory(int index) {
    Memory.Builder builder =
        Memory.newBuilder()
            .setScope(SCOPES.get(random.nextInt(SCOPES.size())))
            .setKind(KINDS.get(random.nextInt(KINDS.size())))
            .setText(text())
            .setCreatedAt(time());
    for (int t = random.nextInt(3); t > 0; t--) {
      builder.addTags("tag-" + random.nextInt(6));
    }
    for (int a = random.nextInt(3); a > 0; a--) {
      builder.putAttributes("key" + random.nextInt(4), word());
    }
    if (random.nextBoolean()) {
      builder.setSource(
          Source.newBuilder()
              .setProvider(random.nextBoolean() ? "memvault" : "chatgpt")
              .setModel(random.nextBoolean() ? "gpt-4o" : "")
              .setApp("seed")
              .setExternalId(random.nextBoolean() ? "ext-" + index : ""));
    }
    for (int e = random.nextInt(3); e > 0; e--) {
      int dimension = 1 + random.nextInt(8);
      Embedding.Builder embedding =
          Embedding.newBuilder().setModel("model-" + random.nextInt(3)).setDimension(dimension);
      for (int d = 0; d < dimension; d++) {
        embedding.addValues((float) random.nextGaussian() * (random.nextBoolean() ? 1e-7f : 10f));
      }
      builder.addEmbeddings(embedding);
    }
    if (!ids.isEmpty() && random.nextBoolean()) {
      builder.addLinks(
          Link.newBuilder()
              .setTargetId(ids.get(random.nextInt(ids.size())))
              .setRelation(random.nextBoolean() ? "about" : "derived-from"));
    }
    if (index % 5 == 0) {
      // Fields of a newer format version, at the top and inside a nested message.
      builder.setUnknownFields(
          UnknownFieldSet.newBuilder()
              .addField(
                  99, UnknownFieldSet.Field.newBuilder().addVarint(random.nextInt(1000)).build())
              .build());
      builder.setSource(
          builder.getSource().toBuilder()
              .setProvider("future")
              .setUnknownFields(
                  UnknownFieldSet.newBuilder()
                      .addField(
                          17,
                          UnknownFieldSet.Field.newBuilder()
                              .addLengthDelimited(
                                  com.google.protobuf.ByteString.copyFromUtf8(word()))
                              .build())
                      .build()));
    }
    return builder.build();
  }

  private String conversation() {
    String scope = SCOPES.get(random.nextInt(SCOPES.size()));
    String id = vault.add(conversationHeader(scope, "Trip " + word())).getId();
    List<List<Part>> contents =
        List.of(
            List.of(textPart("Plan three days in " + word())),
            List.of(
                Part.newBuilder().setType(PartType.THINKING).setText("they like " + word()).build(),
                textPart("Day one: the castle."),
                Part.newBuilder()
                    .setType(PartType.CODE)
                    .setName("python")
                    .setText("print('hi')")
                    .build()),
            List.of(
                Part.newBuilder()
                    .setType(PartType.TOOL_USE)
                    .setName("search")
                    .setInputJson("{\"q\":\"trams\"}")
                    .build()),
            List.of(
                Part.newBuilder()
                    .setType(PartType.TOOL_RESULT)
                    .setName("search")
                    .setText("tram 28")
                    .build(),
                Part.newBuilder()
                    .setType(PartType.ATTACHMENT)
                    .setFileName("plan.pdf")
                    .setMediaType("application/pdf")
                    .setSizeBytes(random.nextInt(1 << 20))
                    .setText("extracted")
                    .build(),
                Part.newBuilder()
                    .setType(PartType.ASSET)
                    .setFileName("file-service://file-1")
                    .build(),
                // A part type of a newer version: kept by number.
                Part.newBuilder().setTypeValue(42).setText("future part").build()));
    List<Role> roles = List.of(Role.USER, Role.ASSISTANT, Role.ASSISTANT, Role.TOOL);
    String previous = "";
    for (int i = 0; i < contents.size(); i++) {
      Memory message = message(scope, id, i, roles.get(i), contents.get(i));
      Memory.Builder builder = message.toBuilder();
      builder.getMessageBuilder().setParentId(previous).setAuthor(i == 3 ? "search" : "");
      previous = vault.add(builder.build()).getId();
    }
    Memory alternate = message(scope, id, 1, Role.ASSISTANT, List.of(textPart("Another plan")));
    Memory.Builder builder = alternate.toBuilder();
    builder.getMessageBuilder().setBranch("branch-1");
    builder.addLinks(Link.newBuilder().setTargetId(previous).setRelation("alternate-of"));
    vault.add(builder.build());
    vault.update(previous, b -> b.getMessageBuilder().setAuthor("search-tool"));
    return id;
  }

  private Memory conversationHeader(String scope, String title) {
    return Memory.newBuilder()
        .setScope(scope)
        .setKind(Kind.CONVERSATION)
        .setConversation(Conversation.newBuilder().setTitle(title).setMessageCount(4))
        .setSource(
            Source.newBuilder().setProvider("claude").setExternalId(UUID.randomUUID().toString()))
        .setCreatedAt(time())
        .build();
  }

  private Memory message(
      String scope, String conversationId, int position, Role role, List<Part> parts) {
    StringBuilder text = new StringBuilder();
    for (Part part : parts) {
      if (part.getType() == PartType.TEXT) {
        text.append(text.length() == 0 ? "" : "\n").append(part.getText());
      }
    }
    return Memory.newBuilder()
        .setScope(scope)
        .setKind(Kind.MESSAGE)
        .setText(text.toString())
        .setMessage(
            Message.newBuilder()
                .setConversationId(conversationId)
                .setPosition(position)
                .setRole(role)
                .addAllParts(parts))
        .setSource(
            Source.newBuilder()
                .setProvider("claude")
                .setModel(role == Role.ASSISTANT ? "claude-3" : ""))
        .setCreatedAt(time())
        .build();
  }

  private static Part textPart(String text) {
    return Part.newBuilder().setType(PartType.TEXT).setText(text).build();
  }

  private String text() {
    StringBuilder text = new StringBuilder(word());
    for (int w = random.nextInt(6); w > 0; w--) {
      text.append(' ').append(word());
    }
    return text.toString();
  }

  private String word() {
    return WORDS.get(random.nextInt(WORDS.size()));
  }

  private Timestamp time() {
    return Timestamp.newBuilder()
        .setSeconds(1_600_000_000L + random.nextInt(200_000_000))
        .setNanos(random.nextInt(1_000_000_000))
        .build();
  }
}
