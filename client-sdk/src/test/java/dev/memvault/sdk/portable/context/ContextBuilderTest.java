package dev.memvault.sdk.portable.context;

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
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The context block: what goes in, in which order, and that it keeps to its budget. */
class ContextBuilderTest {
  @TempDir static Path shared;
  private static MemoryVault vault;
  private static ContextBuilder context;
  private static String lisbonChat;
  private static String budgetChat;
  private static String museumChat;

  @BeforeAll
  static void fill() {
    vault = MemoryVault.create(shared.resolve("vault"), "context passphrase".toCharArray()).vault();
    Vault engine = TestEngines.engine(vault);
    engine.add(
        memory("work", Kind.INSTRUCTION, "Answer in British English.", "memvault", "2026-11-20"));
    engine.add(
        memory(
            "work",
            Kind.PREFERENCE,
            "Prefers window seats on a long trip.",
            "chatgpt",
            "2024-05-29"));
    engine.add(memory("work", Kind.PREFERENCE, "Likes short answers.", "memvault", "2026-11-28"));
    engine.add(
        memory(
            "personal",
            Kind.FACT,
            "Passport expires in March 2027, renew it before a trip abroad.",
            "memvault",
            "2026-01-05"));
    engine.add(memory("personal", Kind.NOTE, "Boiler service in April.", "memvault", "2026-02-01"));
    engine.add(
        memory("personal", Kind.FACT, "Ana comes along on every trip.", "claude", "2025-07-14"));
    engine.add(
        memory(
            "personal",
            Kind.NOTE,
            "Trip ideas: " + "Porto Sintra Évora Faro ".repeat(40),
            "memvault",
            "2026-03-01"));
    lisbonChat =
        engine
            .add(
                Memory.newBuilder()
                    .setScope("personal")
                    .setKind(Kind.CONVERSATION)
                    .setConversation(Conversation.newBuilder().setTitle("Lisbon in May"))
                    .setSource(Source.newBuilder().setProvider("chatgpt"))
                    .setCreatedAt(day("2024-04-30"))
                    .build())
            .getId();
    engine.add(
        Memory.newBuilder()
            .setScope("personal")
            .setKind(Kind.MESSAGE)
            .setText("We planned a three day trip with tram 28 and pastéis.")
            .setCreatedAt(day("2024-05-01"))
            .setMessage(
                Message.newBuilder()
                    .setConversationId(lisbonChat)
                    .setRole(Role.USER)
                    .addParts(
                        Part.newBuilder()
                            .setType(PartType.TEXT)
                            .setText("We planned a three day trip with tram 28 and pastéis.")))
            .build());
    engine.add(memory("health", Kind.PREFERENCE, "Vegetarian.", "memvault", "2026-10-10"));
    budgetChat =
        engine
            .add(
                Memory.newBuilder()
                    .setScope("personal")
                    .setKind(Kind.CONVERSATION)
                    .setConversation(Conversation.newBuilder().setTitle("Trip budget"))
                    .setText("Flights under 300 euros.")
                    .setSource(Source.newBuilder().setProvider("claude"))
                    .setCreatedAt(day("2025-02-02"))
                    .build())
            .getId();
    museumChat =
        engine
            .add(
                Memory.newBuilder()
                    .setScope("personal")
                    .setKind(Kind.CONVERSATION)
                    .setConversation(Conversation.newBuilder().setTitle("Museum day"))
                    .setSource(Source.newBuilder().setProvider("claude"))
                    .setCreatedAt(day("2025-06-01"))
                    .build())
            .getId();
    engine.add(museumMessage("We settled on the azulejo museum.", "", "2025-06-01"));
    engine.add(museumMessage("Or the azulejo workshop, maybe?", "b1", "2025-06-02"));
    context = new ContextBuilder(vault);
  }

  private static Memory museumMessage(String text, String branch, String date) {
    return Memory.newBuilder()
        .setScope("personal")
        .setKind(Kind.MESSAGE)
        .setText(text)
        .setCreatedAt(day(date))
        .setMessage(
            Message.newBuilder()
                .setConversationId(museumChat)
                .setRole(Role.USER)
                .setBranch(branch)
                .addParts(Part.newBuilder().setType(PartType.TEXT).setText(text)))
        .build();
  }

  @Test
  void build_matchOnVisibleThreadAndAbandonedBranch_excerptFromTheVisibleThreadWithIdAndDate() {
    String block = context.build(ContextRequest.of("azulejo")).strip();

    assertTrue(
        block.endsWith(
            "- \"Museum day\": We settled on the azulejo museum. (claude, 2025-06-01, id "
                + museumChat
                + ")"),
        block);
    assertFalse(block.contains("workshop"), block);
  }

  @Test
  void build_matchOnlyOnAnAbandonedBranch_thatExcerptRatherThanNothing() {
    String block = context.build(ContextRequest.of("workshop")).strip();

    assertTrue(block.contains("Or the azulejo workshop, maybe?"), block);
    assertTrue(block.contains("(claude, 2025-06-02, id " + museumChat + ")"), block);
  }

  @AfterAll
  static void close() {
    vault.close();
  }

  @Test
  void build_query_standingFirstMatchingOnesLeadingThenFactsThenConversations() {
    List<String> lines = context.build(ContextRequest.of("trip")).lines().toList();

    assertEquals("What I know about you (from memvault):", lines.get(0));
    assertEquals(
        List.of(
            "",
            "Instructions and preferences:",
            "- Prefers window seats on a long trip. (chatgpt, 2024-05-29)",
            "- Likes short answers. (you, 2026-11-28)",
            "- Answer in British English. (you, 2026-11-20)",
            "- Vegetarian. (you, 2026-10-10)",
            "",
            "Facts and notes:"),
        lines.subList(1, 9));
    List<String> facts = lines.subList(9, 12);
    assertEquals(
        Set.of(
            "- Passport expires in March 2027, renew it before a trip abroad. (you, 2026-01-05)",
            "- Ana comes along on every trip. (claude, 2025-07-14)"),
        Set.copyOf(facts.stream().filter(l -> !l.startsWith("- Trip ideas")).toList()));
    String ideas =
        facts.stream().filter(l -> l.startsWith("- Trip ideas")).findFirst().orElseThrow();
    assertTrue(ideas.endsWith("… (you, 2026-03-01)") && ideas.length() < 450, ideas);
    assertEquals(List.of("", "From past conversations:"), lines.subList(12, 14));
    assertEquals(
        Set.of(
            "- \"Lisbon in May\": We planned a three day trip with tram 28 and pastéis. (chatgpt,"
                + " 2024-05-01, id "
                + lisbonChat
                + ")",
            "- \"Trip budget\": Flights under 300 euros. (claude, 2025-02-02, id "
                + budgetChat
                + ")"),
        Set.copyOf(lines.subList(14, lines.size())));
    assertFalse(String.join("\n", lines).contains("Boiler"), "a note that does not match");
  }

  @Test
  void build_maxChars_neverExceededAndNoLineCut() {
    String full = context.build(ContextRequest.of("trip"));
    Set<String> wholeLines = Set.copyOf(full.lines().toList());

    for (int budget = ContextRequest.MIN_MAX_CHARS; budget <= full.length() + 10; budget += 23) {
      String block = context.build(ContextRequest.of("trip").withMaxChars(budget));

      assertTrue(block.length() <= budget, budget + ": " + block.length());
      assertTrue(block.startsWith(ContextBuilder.HEADER + "\n"), block);
      for (String line : block.lines().toList()) {
        assertTrue(
            wholeLines.contains(line) || line.startsWith("(no entry fits"),
            "cut line at " + budget + ": " + line);
      }
    }
    String tight = context.build(ContextRequest.of("trip").withMaxChars(260));
    assertTrue(tight.contains("window seats"), "the best standing match comes first: " + tight);
    assertTrue(
        tight.contains("Passport") || tight.contains("Ana comes"),
        "matching facts get half the room: " + tight);
  }

  @Test
  void build_limit_standingTakesAtMostHalfWhenMatchesNeedTheRoom() {
    List<String> entries =
        context
            .build(ContextRequest.of("trip").limitedTo(4))
            .lines()
            .filter(l -> l.startsWith("- "))
            .toList();

    assertEquals(4, entries.size(), entries.toString());
    assertEquals("- Prefers window seats on a long trip. (chatgpt, 2024-05-29)", entries.get(0));
    assertEquals("- Likes short answers. (you, 2026-11-28)", entries.get(1));
    assertFalse(entries.get(2).contains("Answer in British"), entries.toString());
  }

  @Test
  void build_scopes_onlyThoseScopesAndUnknownOneRefused() {
    String work = context.build(ContextRequest.of("trip").inScopes(List.of("work", "health")));

    assertTrue(work.contains("Vegetarian") && work.contains("window seats"), work);
    assertFalse(work.contains("Passport") || work.contains("Lisbon"), work);
    assertThrows(
        VaultException.UnknownItem.class,
        () -> context.build(ContextRequest.of("trip").inScopes(List.of("wrok"))));
  }

  @Test
  void build_nothingMatches_standingStillShownOrSaysSo() {
    String zebra = context.build(ContextRequest.of("zebra"));
    assertTrue(zebra.contains("Instructions and preferences:\n- Likes short answers."), zebra);
    assertFalse(zebra.contains("Facts and notes"), zebra);

    assertEquals(
        "What I know about you (from memvault):\n\n(nothing in the vault matches yet)\n",
        context.build(ContextRequest.of("zebra").inScopes(List.of("personal"))));
  }

  @Test
  void build_severalWords_anyWordMatchesAndMoreMatchingWordsRankFirst() {
    List<String> lines =
        context
            .build(ContextRequest.of("planning the passport renewal for a trip"))
            .lines()
            .toList();

    int facts = lines.indexOf("Facts and notes:");
    assertEquals(
        "- Passport expires in March 2027, renew it before a trip abroad. (you, 2026-01-05)",
        lines.get(facts + 1),
        "matches passport and trip");
    assertTrue(
        lines.contains("- Ana comes along on every trip. (claude, 2025-07-14)"),
        "matches trip only");
    assertThrows(VaultException.InvalidInput.class, () -> context.build(ContextRequest.of("?!")));
  }

  @Test
  void request_outOfRange_refused() {
    assertThrows(VaultException.InvalidInput.class, () -> ContextRequest.of("x").limitedTo(0));
    assertThrows(VaultException.InvalidInput.class, () -> ContextRequest.of("x").withMaxChars(99));
  }

  private static Memory memory(String scope, Kind kind, String text, String provider, String date) {
    return Memory.newBuilder()
        .setScope(scope)
        .setKind(kind)
        .setText(text)
        .setSource(Source.newBuilder().setProvider(provider))
        .setCreatedAt(day(date))
        .build();
  }

  private static Timestamp day(String date) {
    return Timestamp.newBuilder()
        .setSeconds(Instant.parse(date + "T12:00:00Z").getEpochSecond())
        .build();
  }
}
