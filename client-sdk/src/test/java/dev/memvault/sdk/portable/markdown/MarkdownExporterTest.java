package dev.memvault.sdk.portable.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.memvault.core.VaultException;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Conversation;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.proto.v1.Source;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.TestEngines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Markdown export: readable pages with every message and part, and a grouped index. */
class MarkdownExporterTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-28T09:00:00Z"), ZoneOffset.UTC);

  @TempDir static Path shared;
  @TempDir Path out;

  private static MemoryVault vault;
  private static String lisbon;

  @BeforeAll
  static void fill() {
    vault =
        MemoryVault.create(shared.resolve("vault"), "markdown passphrase".toCharArray()).vault();
    Vault engine = TestEngines.engine(vault);
    lisbon = engine.add(conversation("Planning a trip to Lisbon!", "2024-05-29T14:03:00Z")).getId();
    // Stored out of order: the page follows positions, not storage.
    engine.add(
        message(
            lisbon,
            2,
            Role.ASSISTANT,
            "gpt-4o",
            "",
            part(PartType.TOOL_USE, "", "search", "{\"q\":\"tram 28\"}")));
    engine.add(message(lisbon, 0, Role.USER, "", "", text("Plan three days in Lisbon.")));
    engine.add(
        message(
            lisbon,
            1,
            Role.ASSISTANT,
            "gpt-4o",
            "",
            part(PartType.THINKING, "They like trams.", "", ""),
            text("Day one: Alfama."),
            part(PartType.CODE, "print('```')", "python", "")));
    engine.add(
        message(
            lisbon,
            3,
            Role.TOOL,
            "",
            "",
            part(PartType.TOOL_RESULT, "tram 28 runs every 10 minutes", "search", ""),
            Part.newBuilder()
                .setType(PartType.ATTACHMENT)
                .setFileName("plan.pdf")
                .setMediaType("application/pdf")
                .setSizeBytes(2048)
                .setText("extracted plan")
                .build(),
            Part.newBuilder()
                .setType(PartType.ASSET)
                .setFileName("file-service://file-abc")
                .setMediaType("image/png")
                .build(),
            Part.newBuilder()
                .setType(PartType.CITATION)
                .setUrl("https://example.invalid/tram-28")
                .setName("Tram 28 timetable")
                .setText("every 10 minutes")
                .build()));
    engine.add(
        message(
            lisbon, 1, Role.ASSISTANT, "gpt-4o", "branch-a", text("Alternative: Belém first.")));
    String same =
        engine.add(conversation("Planning a trip to Lisbon!", "2024-05-29T18:00:00Z")).getId();
    engine.add(message(same, 0, Role.USER, "", "", text("Second chat, same title.")));
    engine.add(
        conversation("", "2025-01-02T08:00:00Z").toBuilder().setText("a summary only").build());

    engine.add(
        memory("work", Kind.PREFERENCE, "Prefers metric units.", "2024-02-01T00:00:00Z", "units"));
    engine.add(
        memory("work", Kind.INSTRUCTION, "Answer in British English.", "2024-03-01T00:00:00Z"));
    String ana =
        engine
            .add(memory("personal", Kind.FACT, "Daughter is called Anna.", "2024-04-01T00:00:00Z"))
            .getId();
    engine.update(ana, b -> b.setText("Daughter is called Ana."));
    engine.add(memory("personal", Kind.NOTE, "line one\nline two", "2024-01-01T00:00:00Z"));
    String gone =
        engine.add(memory("personal", Kind.NOTE, "forgotten note", "2024-01-01T00:00:00Z")).getId();
    engine.forget(gone);
  }

  @AfterAll
  static void close() {
    vault.close();
  }

  @Test
  void writeTo_vault_onePagePerConversationWithSafeUniqueNamesAndAnIndex() throws IOException {
    MarkdownExporter.Result result =
        new MarkdownExporter(vault).withClock(CLOCK).writeTo(out, false);

    assertEquals(3, result.conversations());
    assertEquals(4, result.memories());
    List<String> names = names(out);
    assertEquals(4, names.size(), names.toString());
    assertTrue(names.contains("memories.md"));
    assertEquals(
        2,
        names.stream()
            .filter(n -> n.matches("2024-05-29-planning-a-trip-to-lisbon-[0-9a-f]{8}\\.md"))
            .count(),
        names.toString());
    assertTrue(
        names.stream().anyMatch(n -> n.matches("2025-01-02-untitled-[0-9a-f]{8}\\.md")),
        names.toString());
  }

  @Test
  void conversationPage_messagesInOrderWithTypedParts() throws IOException {
    new MarkdownExporter(vault).withClock(CLOCK).writeTo(out, false);
    String page =
        Files.readString(
            out.resolve(
                names(out).stream()
                    .filter(n -> n.endsWith(lisbon.substring(28) + ".md"))
                    .findFirst()
                    .orElseThrow()));

    assertTrue(
        page.startsWith(
            "# Planning a trip to Lisbon!\n\n"
                + "- Date: 2024-05-29 14:03 UTC\n"
                + "- Source: chatgpt\n"
                + "- Scope: personal\n"),
        page);
    assertTrue(page.contains("- Messages: 5\n"), page);
    assertInOrder(
        page,
        "## User\n\nPlan three days in Lisbon.\n",
        "## Assistant (gpt-4o)\n\n"
            + "<details>\n"
            + "<summary>Thinking</summary>\n\n"
            + "They like trams.\n\n"
            + "</details>\n",
        "Day one: Alfama.\n",
        "````python\nprint('```')\n````\n",
        "<summary>Tool call: search</summary>\n\n```json\n{\"q\":\"tram 28\"}\n```\n",
        "## Tool: search\n",
        "<summary>Tool result: search</summary>\n\n```\ntram 28 runs every 10 minutes\n```\n",
        "> Attachment: **plan.pdf** (application/pdf, 2.0 KB)\n",
        "<summary>Content of plan.pdf</summary>",
        "> Asset (not in the export): file-service://file-abc (image/png)\n",
        "> Cited: Tram 28 timetable <https://example.invalid/tram-28>\n> every 10 minutes\n",
        "*Alternate branch 1: an edit or regeneration kept by the provider, from message 2.*",
        "Alternative: Belém first.");
  }

  @Test
  void memoriesPage_groupedByScopeAndKindWithTagsDatesAndSources() throws IOException {
    new MarkdownExporter(vault).withClock(CLOCK).writeTo(out, false);
    String page = Files.readString(out.resolve("memories.md"));

    assertTrue(
        page.startsWith(
            "# Memories\n\n"
                + "Exported from memvault on 2026-11-28: 4 memories and 3 conversations in 2"
                + " scopes.\n"),
        page);
    assertInOrder(
        page,
        "## Scope: personal\n",
        "### Facts\n\n- Daughter is called Ana.\n  (created 2024-04-01 · updated ",
        "### Notes\n\n- line one\n  line two\n  (created 2024-01-01 · from you)\n",
        "### Conversations\n\n- [Planning a trip to Lisbon!](2024-05-29-planning-a-trip-to-lisbon-",
        "— 2024-05-29, chatgpt, 5 messages\n",
        "## Scope: work\n",
        "### Instructions\n\n- Answer in British English.\n",
        "### Preferences\n\n"
            + "- Prefers metric units.\n"
            + "  (tags: units · created 2024-02-01 · from you)\n");
    assertFalse(page.contains("forgotten note"));
    assertFalse(page.contains("Anna"), "only the current revision");
  }

  @Test
  void writeTo_nonEmptyDirectory_refusedUnlessReplace() throws IOException {
    Files.writeString(out.resolve("mine.txt"), "keep");

    VaultException.AlreadyExists e =
        assertThrows(
            VaultException.AlreadyExists.class,
            () -> new MarkdownExporter(vault).writeTo(out, false));

    assertTrue(e.getMessage().endsWith("is not empty; nothing was written"), e.getMessage());
    assertEquals(List.of("mine.txt"), names(out));
    new MarkdownExporter(vault).writeTo(out, true);
    assertEquals(5, names(out).size());
    assertEquals("keep", Files.readString(out.resolve("mine.txt")));
  }

  @Test
  void writeTo_onlyScopesAndMissingDirectory_createsItWithThoseScopesOnly() throws IOException {
    Path missing = out.resolve("new/dir");

    MarkdownExporter.Result result =
        new MarkdownExporter(vault).onlyScopes(List.of("work")).writeTo(missing, false);

    assertEquals(0, result.conversations());
    assertEquals(List.of("memories.md"), names(missing));
    String page = Files.readString(missing.resolve("memories.md"));
    assertTrue(page.contains("## Scope: work") && !page.contains("## Scope: personal"), page);
  }

  @Test
  void slug_titles_asciiWordsOnly() {
    assertEquals("cafe-unicode-etc", FileNames.slug("Café — ünïcode / ../etc"));
    assertEquals("untitled", FileNames.slug("日本語"));
    assertEquals("untitled", FileNames.slug("../.."));
    assertEquals(60, FileNames.slug("a".repeat(100)).length());
  }

  private static void assertInOrder(String text, String... parts) {
    int from = 0;
    for (String part : parts) {
      int at = text.indexOf(part, from);
      assertTrue(at >= 0, "missing or out of order: " + part + "\n---\n" + text);
      from = at + part.length();
    }
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Memory conversation(String title, String created) {
    return Memory.newBuilder()
        .setScope("personal")
        .setKind(Kind.CONVERSATION)
        .setConversation(Conversation.newBuilder().setTitle(title))
        .setSource(Source.newBuilder().setProvider("chatgpt"))
        .setCreatedAt(time(created))
        .build();
  }

  private static Memory message(
      String conversation, int position, Role role, String model, String branch, Part... parts) {
    return Memory.newBuilder()
        .setScope("personal")
        .setKind(Kind.MESSAGE)
        .setText(
            Stream.of(parts)
                .filter(p -> p.getType() == PartType.TEXT)
                .map(Part::getText)
                .reduce("", (a, b) -> a + b))
        .setSource(Source.newBuilder().setProvider("chatgpt").setModel(model))
        .setMessage(
            Message.newBuilder()
                .setConversationId(conversation)
                .setPosition(position)
                .setRole(role)
                .setAuthor(role == Role.TOOL ? "search" : "")
                .setBranch(branch)
                .addAllParts(List.of(parts)))
        .build();
  }

  private static Memory memory(
      String scope, Kind kind, String text, String created, String... tags) {
    return Memory.newBuilder()
        .setScope(scope)
        .setKind(kind)
        .setText(text)
        .addAllTags(List.of(tags))
        .setSource(Source.newBuilder().setProvider("memvault"))
        .setCreatedAt(time(created))
        .build();
  }

  private static Part text(String text) {
    return part(PartType.TEXT, text, "", "");
  }

  private static Part part(PartType type, String text, String name, String input) {
    return Part.newBuilder().setType(type).setText(text).setName(name).setInputJson(input).build();
  }

  private static Timestamp time(String iso) {
    return Timestamp.newBuilder().setSeconds(Instant.parse(iso).getEpochSecond()).build();
  }
}
