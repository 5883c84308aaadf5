package dev.memvault.sdk.portable.pam;

import com.google.protobuf.Timestamp;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Conversation;
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

/**
 * Fills a vault with random memories that use what PAM can carry: every kind, several scopes, tags
 * PAM allows and tags it does not, attributes, sources, links between memories and to a
 * conversation, updates, forgotten memories, and conversations whose messages have typed parts and
 * an alternate branch.
 */
final class SeededVault {
  static final List<String> SCOPES = List.of("work", "personal", "health");
  private static final List<Kind> KINDS =
      List.of(Kind.FACT, Kind.PREFERENCE, Kind.INSTRUCTION, Kind.NOTE);
  private static final List<String> WORDS =
      List.of(
          "lisbon",
          "METRIC",
          "Café",
          "naïve",
          "😀",
          "日本語",
          "tea",
          "\"quoted\"",
          "line\nbreak",
          "tab\there",
          "  spaced  ");
  private static final List<String> TAGS =
      List.of("travel", "health", "Upper-Case", "with:colon", "ünïcode", "x_y", "9lives");

  private final Vault vault;
  private final Random random;
  private final List<String> ids = new ArrayList<>();

  /** Seeds from {@code seed}, printed by the caller so that a failure can be repeated. */
  static long seed() {
    String fixed = System.getProperty("memvault.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
    System.out.println("seed " + seed + " (rerun with -Dmemvault.seed=" + seed + ")");
    return seed;
  }

  SeededVault(Vault vault, long seed) {
    this.vault = vault;
    this.random = new Random(seed);
  }

  /** Adds {@code count} memories and two conversations, updates and forgets some memories. */
  void fill(int count) {
    String conversation = conversation("claude");
    conversation("my tool!");
    for (int i = 0; i < count; i++) {
      ids.add(vault.add(memory(i, conversation)).getId());
    }
    for (String id : List.copyOf(ids)) {
      for (int u = random.nextInt(3); u > 0; u--) {
        vault.update(
            id,
            builder -> {
              builder.setText(text());
              if (random.nextBoolean()) {
                builder.clearTags().addTags(TAGS.get(random.nextInt(TAGS.size())));
              }
            });
      }
    }
    for (int i = 0; i < Math.max(1, count / 6); i++) {
      vault.forget(ids.remove(random.nextInt(ids.size())));
    }
  }

  private Memory memory(int index, String conversation) {
    Memory.Builder builder =
        Memory.newBuilder()
            .setScope(SCOPES.get(random.nextInt(SCOPES.size())))
            .setKind(KINDS.get(random.nextInt(KINDS.size())))
            .setText(text())
            .setCreatedAt(time());
    for (int t = random.nextInt(3); t > 0; t--) {
      String tag = TAGS.get(random.nextInt(TAGS.size()));
      if (!builder.getTagsList().contains(tag)) {
        builder.addTags(tag);
      }
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
    if (!ids.isEmpty() && random.nextBoolean()) {
      builder.addLinks(
          Link.newBuilder()
              .setTargetId(ids.get(random.nextInt(ids.size())))
              .setRelation(random.nextBoolean() ? "about" : "derived-from"));
    }
    if (index % 4 == 0) {
      builder.addLinks(Link.newBuilder().setTargetId(conversation).setRelation("derived-from"));
    }
    return builder.build();
  }

  private String conversation(String provider) {
    String scope = SCOPES.get(random.nextInt(SCOPES.size()));
    String id =
        vault
            .add(
                Memory.newBuilder()
                    .setScope(scope)
                    .setKind(Kind.CONVERSATION)
                    .setText(random.nextBoolean() ? "" : "summary " + word())
                    .addTags("chat")
                    .setConversation(
                        Conversation.newBuilder().setTitle("Trip " + word()).setMessageCount(3))
                    .setSource(
                        Source.newBuilder()
                            .setProvider(provider)
                            .setExternalId("conv-" + random.nextInt(1000)))
                    .setCreatedAt(time())
                    .build())
            .getId();
    List<List<Part>> contents =
        List.of(
            List.of(text("Plan three days in " + word())),
            List.of(
                Part.newBuilder().setType(PartType.THINKING).setText("likes " + word()).build(),
                text("Day one: the castle."),
                Part.newBuilder().setType(PartType.CODE).setName("python").setText("x").build(),
                Part.newBuilder()
                    .setType(PartType.CITATION)
                    .setUrl("https://example.org/castle")
                    .setName("Castle")
                    .setText("open daily")
                    .build()),
            List.of(
                Part.newBuilder()
                    .setType(PartType.TOOL_USE)
                    .setName("search")
                    .setInputJson("{\"q\":\"trams\"}")
                    .build(),
                Part.newBuilder()
                    .setType(PartType.ATTACHMENT)
                    .setFileName("plan.pdf")
                    .setMediaType("application/pdf")
                    .setSizeBytes(random.nextInt(1 << 20))
                    .setText("extracted")
                    .build()));
    List<Role> roles = List.of(Role.USER, Role.ASSISTANT, Role.TOOL);
    String previous = "";
    for (int i = 0; i < contents.size(); i++) {
      Memory.Builder message = message(scope, id, i, roles.get(i), contents.get(i)).toBuilder();
      message.getMessageBuilder().setParentId(random.nextBoolean() ? previous : "");
      previous = vault.add(message.build()).getId();
    }
    Memory.Builder alternate =
        message(scope, id, 1, Role.ASSISTANT, List.of(text("Another plan"))).toBuilder();
    alternate.getMessageBuilder().setBranch("branch-1");
    alternate.addLinks(Link.newBuilder().setTargetId(previous).setRelation("alternate-of"));
    vault.add(alternate.build());
    return id;
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
                .setModel(role == Role.ASSISTANT ? "claude-3" : "")
                .setExternalId("m-" + random.nextInt(1_000_000)))
        .setCreatedAt(time())
        .build();
  }

  private static Part text(String text) {
    return Part.newBuilder().setType(PartType.TEXT).setText(text).build();
  }

  private Timestamp time() {
    return Timestamp.newBuilder()
        .setSeconds(1_600_000_000L + random.nextInt(100_000_000))
        .setNanos(random.nextInt(1000) * 1_000_000)
        .build();
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
}
