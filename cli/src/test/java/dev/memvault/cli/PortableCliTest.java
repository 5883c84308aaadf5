package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export, import, Markdown and context through the real CLI in child processes, as a person would
 * run them. The first vault is filled through the SDK, since the CLI has no command that adds a
 * conversation, an embedding or a link.
 */
class PortableCliTest {
  private static final String PASSPHRASE = "portable passphrase";

  @TempDir Path temp;

  @Test
  void exportThenImport_intoNewVault_listAndShowPrintTheSame() throws IOException {
    Path first = temp.resolve("first");
    List<String> ids = new ArrayList<>(fill(first));
    CliRunner one = new CliRunner(first, PASSPHRASE);
    CliRunner two = new CliRunner(temp.resolve("second"), PASSPHRASE);
    CliRunner.Result added =
        one.run(
            "add",
            "--scope",
            "work",
            "--kind",
            "preference",
            "--tag",
            "units",
            "--attr",
            "k=v",
            "Prefers metric units.");
    assertSuccess(added);
    ids.add(added.out().strip());
    Path file = temp.resolve("memories.jsonl");

    CliRunner.Result exported = one.run("export", "jsonl", "-o", file.toString());

    assertSuccess(exported);
    assertTrue(exported.out().startsWith("Exported 7 memories to " + file), exported.out());
    CliRunner.Result piped = one.run("export", "jsonl");
    assertSuccess(piped);
    List<String> written = Files.readAllLines(file);
    assertEquals(9, written.size(), "header, 7 memories, end line");
    assertEquals(
        written.subList(1, 9),
        piped.outLines().subList(1, 9),
        "stdout and -o write the same lines");
    assertTrue(piped.err().contains("exported 7 memories"), piped.err());
    assertFailure(one.run("export", "jsonl", "-o", file.toString()), 1, "already exists");

    assertSuccess(two.run("init"));
    CliRunner.Result imported = two.run("import", "jsonl", file.toString());
    assertSuccess(imported);
    assertEquals(
        "imported 7 memories, skipped 0 already in the vault, 0 lines failed\n",
        imported.out(),
        imported.err());
    CliRunner.Result again = two.run("import", "jsonl", file.toString());
    assertEquals(
        "imported 0 memories, skipped 7 already in the vault, 0 lines failed\n",
        again.out(),
        again.err());

    CliRunner.Result listed = one.run("list", "--json");
    assertSuccess(listed);
    assertEquals(5, listed.outLines().size(), listed.out());
    assertEquals(listed.out(), output(two, "list", "--json"));
    // The conversation (with its messages), the fact with every kind of field, the CLI's memory.
    for (String id : List.of(ids.get(0), ids.get(1), ids.get(ids.size() - 1))) {
      assertEquals(
          output(one, "show", "--history", "--json", id),
          output(two, "show", "--history", "--json", id),
          "show --history " + id);
    }
    String conversation = ids.get(0);
    assertEquals(
        output(one, "show", "--json", conversation), output(two, "show", "--json", conversation));
  }

  @Test
  void importJsonl_badFiles_exitOneNamingTheLine() throws IOException {
    CliRunner cli = new CliRunner(temp.resolve("vault"), PASSPHRASE);
    assertSuccess(cli.run("init"));
    String id = "0190f3a2-0000-7000-8000-00000000000a";
    String good =
        "{\"id\":\""
            + id
            + "\",\"revisions\":[{\"id\":\""
            + id
            + "\",\"scope\":\"work\",\"kind\":\"NOTE\","
            + "\"text\":\"written by hand\",\"createdAt\":\"2024-05-29T10:00:00Z\","
            + "\"updatedAt\":\"2024-05-29T10:00:00Z\",\"revision\":\"1\"}]}";
    Path damaged = temp.resolve("damaged.jsonl");
    Files.writeString(
        damaged,
        "{\"format\":\"memvault.v1\",\"version\":1}\n"
            + good
            + "\n{\"revisions\":[]}\n{\"end\":true,\"memories\":2}\n");
    Path newer = temp.resolve("newer.jsonl");
    Files.writeString(newer, "{\"format\":\"memvault.v2\",\"version\":1}\n");

    CliRunner.Result result = cli.run("import", "jsonl", damaged.toString());

    assertEquals(1, result.exitCode(), result.err());
    assertEquals(
        "imported 1 memory, skipped 0 already in the vault, 1 line failed\n", result.out());
    assertTrue(result.err().startsWith("line 3 has no \"id\""), result.err());
    assertTrue(
        result.err().contains("memvault: 1 line of " + damaged + " could not be imported"),
        result.err());
    assertTrue(cli.run("show", id).out().contains("written by hand"));
    assertFailure(
        cli.run("import", "jsonl", newer.toString()),
        1,
        "memvault: "
            + newer
            + " is in format memvault.v2, which this memvault cannot read; upgrade memvault");
    assertFailure(
        cli.run("import", "jsonl", temp.resolve("missing.jsonl").toString()),
        1,
        "there is no file");
  }

  @Test
  void markdownAndContext_filledVault_readableFilesAndPromptBlock() throws IOException {
    Path vault = temp.resolve("vault");
    fill(vault);
    CliRunner cli = new CliRunner(vault, PASSPHRASE);
    Path out = temp.resolve("notes");

    CliRunner.Result markdown = cli.run("export", "markdown", "-o", out.toString());

    assertSuccess(markdown);
    assertTrue(
        markdown.out().startsWith("Wrote 1 conversation and 3 memories to " + out), markdown.out());
    List<String> names;
    try (Stream<Path> files = Files.list(out)) {
      names = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(2, names.size(), names.toString());
    assertTrue(names.get(0).matches("2024-05-29-lisbon-in-may-[0-9a-f]{8}\\.md"), names.toString());
    String page = Files.readString(out.resolve(names.get(0)));
    assertTrue(
        page.startsWith("# Lisbon in May\n\n- Date: 2024-05-29 14:03 UTC\n- Source: chatgpt\n"),
        page);
    int user = page.indexOf("## User\n\nPlan a trip to Lisbon.");
    int assistant = page.indexOf("## Assistant (gpt-4o)\n\n<details>\n<summary>Thinking</summary>");
    assertTrue(user > 0 && assistant > user, page);
    String index = Files.readString(out.resolve("memories.md"));
    assertTrue(
        index.contains(
            "## Scope: health\n\n### Instructions\n\n- Never suggest a trip with long flights."),
        index);
    assertTrue(index.contains("### Facts\n\n- Passport expires in 2027"), index);
    assertFailure(cli.run("export", "markdown", "-o", out.toString()), 1, "is not empty");

    CliRunner.Result context = cli.run("context", "planning", "a", "trip");
    assertSuccess(context);
    assertEquals(
        "What I know about you (from memvault):\n"
            + "\n"
            + "Instructions and preferences:\n"
            + "- Never suggest a trip with long flights. (you, 2024-01-02)\n"
            + "\n"
            + "Facts and notes:\n"
            + "- Passport expires in 2027; renew it before the next trip. (you, 2024-03-01)\n"
            + "\n"
            + "From past conversations:\n"
            + "- \"Lisbon in May\": Plan a trip to Lisbon. (chatgpt, 2024-05-29, id ID)\n",
        context
            .out()
            .replaceAll("(?m)^- Notes on airports.*\n", "")
            .replaceAll(", id [0-9a-f]{8}-[0-9a-f-]{27}\\)", ", id ID)"));
    CliRunner.Result small = cli.run("context", "trip", "--max-chars", "150");
    assertTrue(small.out().length() <= 150, small.out());
    assertTrue(small.out().contains("- Never suggest a trip"), small.out());
    assertFailure(
        cli.run("context", "trip", "--limit", "0"), 2, "--limit must be between 1 and 1000");
  }

  /**
   * Fills a new vault through the SDK: a conversation with messages, a fact with embeddings, a link
   * and a field of a newer version, updated twice, and an instruction in another scope; a forgotten
   * note. Returns the ids of the memories that are not messages, the conversation first.
   */
  private static List<String> fill(Path directory) {
    try (Vault engine = Vault.create(directory, PASSPHRASE.toCharArray()).vault()) {
      String chat =
          engine
              .add(
                  Memory.newBuilder()
                      .setScope("personal")
                      .setKind(Kind.CONVERSATION)
                      .setConversation(
                          Conversation.newBuilder().setTitle("Lisbon in May").setMessageCount(2))
                      .setSource(Source.newBuilder().setProvider("chatgpt").setExternalId("conv-1"))
                      .setCreatedAt(time("2024-05-29T14:03:00Z"))
                      .build())
              .getId();
      engine.add(
          message(
              chat,
              0,
              Role.USER,
              "",
              Part.newBuilder().setType(PartType.TEXT).setText("Plan a trip to Lisbon.").build()));
      engine.add(
          message(
              chat,
              1,
              Role.ASSISTANT,
              "gpt-4o",
              Part.newBuilder().setType(PartType.THINKING).setText("They like trams.").build(),
              Part.newBuilder()
                  .setType(PartType.TEXT)
                  .setText("Day one: Alfama and tram 28.")
                  .build(),
              Part.newBuilder()
                  .setType(PartType.TOOL_USE)
                  .setName("maps")
                  .setInputJson("{\"q\":\"Alfama\"}")
                  .build()));
      String fact =
          engine
              .add(
                  Memory.newBuilder()
                      .setScope("personal")
                      .setKind(Kind.FACT)
                      .setText("Passport expires in 2026.")
                      .addTags("travel")
                      .putAttributes("confidence", "high")
                      .setSource(Source.newBuilder().setProvider("memvault").setApp("test"))
                      .addEmbeddings(
                          Embedding.newBuilder()
                              .setModel("e5")
                              .setDimension(2)
                              .addValues(0.5f)
                              .addValues(-1.25f))
                      .addLinks(Link.newBuilder().setTargetId(chat).setRelation("derived-from"))
                      .setCreatedAt(time("2024-03-01T09:00:00Z"))
                      .setUnknownFields(
                          UnknownFieldSet.newBuilder()
                              .addField(
                                  99,
                                  UnknownFieldSet.Field.newBuilder()
                                      .addLengthDelimited(ByteString.copyFromUtf8("newer"))
                                      .build())
                              .build())
                      .build())
              .getId();
      engine.update(fact, b -> b.setText("Passport expires in 2027."));
      engine.update(
          fact, b -> b.setText("Passport expires in 2027; renew it before the next trip."));
      String instruction =
          engine
              .add(
                  Memory.newBuilder()
                      .setScope("health")
                      .setKind(Kind.INSTRUCTION)
                      .setText("Never suggest a trip with long flights.")
                      .setSource(Source.newBuilder().setProvider("memvault"))
                      .setCreatedAt(time("2024-01-02T08:00:00Z"))
                      .build())
              .getId();
      String note =
          engine
              .add(
                  Memory.newBuilder()
                      .setScope("work")
                      .setKind(Kind.NOTE)
                      .setText("Notes on airports: Lisbon is close to the city.")
                      .setCreatedAt(time("2024-02-02T08:00:00Z"))
                      .build())
              .getId();
      engine.add(
          Memory.newBuilder()
              .setScope("work")
              .setKind(Kind.NOTE)
              .setText("forgotten trip note")
              .build());
      engine.forget(
          engine.list(dev.memvault.core.vault.Selection.all().ofKind(Kind.NOTE)).stream()
              .filter(m -> m.getText().startsWith("forgotten"))
              .findFirst()
              .orElseThrow()
              .getId());
      return List.of(chat, fact, instruction, note);
    }
  }

  private static Memory message(
      String conversation, int position, Role role, String model, Part... parts) {
    return Memory.newBuilder()
        .setScope("personal")
        .setKind(Kind.MESSAGE)
        .setText(
            Stream.of(parts)
                .filter(p -> p.getType() == PartType.TEXT)
                .map(Part::getText)
                .findFirst()
                .orElse(""))
        .setSource(Source.newBuilder().setProvider("chatgpt").setModel(model))
        .setMessage(
            Message.newBuilder()
                .setConversationId(conversation)
                .setPosition(position)
                .setRole(role)
                .addAllParts(List.of(parts)))
        .setCreatedAt(time("2024-05-29T14:03:00Z"))
        .build();
  }

  private static Timestamp time(String iso) {
    return Timestamp.newBuilder().setSeconds(Instant.parse(iso).getEpochSecond()).build();
  }

  /** What a command that must succeed printed on standard output. */
  private static String output(CliRunner cli, String... args) {
    CliRunner.Result result = cli.run(args);
    assertSuccess(result);
    return result.out();
  }

  private static void assertSuccess(CliRunner.Result result) {
    assertEquals(0, result.exitCode(), "stdout: " + result.out() + "\nstderr: " + result.err());
  }

  private static void assertFailure(CliRunner.Result result, int code, String message) {
    assertEquals(code, result.exitCode(), result.err());
    assertTrue(result.err().contains(message), result.err());
    assertFalse(result.err().contains("Exception"), "no stack trace: " + result.err());
  }
}
