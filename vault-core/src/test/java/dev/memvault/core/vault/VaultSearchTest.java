package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.search.SearchQuery;
import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.MutableClock;
import dev.memvault.core.testing.Seeds;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full-text search through {@link Vault#search}: FTS5 syntax in typed input, accent folding,
 * filters, ranking and conversations. One vault for the class (one Argon2id); tests that change it
 * use words of their own.
 */
class VaultSearchTest {
  private static final Instant DAY_0 = Instant.parse("2024-03-01T09:00:00Z");

  @TempDir static Path dir;
  private static MutableClock clock;
  private static Vault vault;

  private static String piHole;
  private static String dns;
  private static String cafeAccented;
  private static String cafePlain;
  private static String zurichAccented;
  private static String zurichPlain;
  private static String lisbon;
  private static String kestrelThrice;
  private static String kestrelOnce;
  private static String orchidWorkNoteDay0;
  private static String orchidHomeFactDay1;
  private static String orchidHomeNoteDay2;
  private static String orchidWorkPreferenceDay3;

  @BeforeAll
  static void createVault() {
    clock = new MutableClock(DAY_0);
    vault =
        Vault.create(dir.resolve("v"), "search test".toCharArray(), clock, new SecureRandom())
            .vault();

    piHole = add(Drafts.note("work", "I run Pi-hole at home", "network"));
    dns = add(Drafts.of("work", Kind.FACT, "DNS is 9.9.9.9", "network"));
    cafeAccented = add(Drafts.note("home", "Café au lait on Tuesdays"));
    cafePlain = add(Drafts.note("home", "the cafe racer needs new tyres"));
    zurichAccented = add(Drafts.note("home", "moved to Zürich in 2019"));
    zurichPlain = add(Drafts.note("home", "zurich insurance policy number is in the drawer"));
    lisbon = add(Drafts.of("travel", Kind.PREFERENCE, "Lisbon trams are lovely", "portugal"));
    kestrelThrice = add(Drafts.note("birds", "kestrel kestrel kestrel"));
    kestrelOnce =
        add(
            Drafts.note(
                "birds",
                "On the long walk along the cliffs we saw gulls, fulmars, a few puffins near the"
                    + " old lighthouse, rock pipits on the wall and, just once, a kestrel hovering"
                    + " over the heather before the rain came in from the west"));

    orchidWorkNoteDay0 = add(Drafts.note("work", "orchid on the office windowsill", "plants"));
    clock.advance(Duration.ofDays(1));
    orchidHomeFactDay1 = add(Drafts.of("home", Kind.FACT, "orchid needs water weekly", "plants"));
    clock.advance(Duration.ofDays(1));
    orchidHomeNoteDay2 = add(Drafts.note("home", "orchid pot is cracked"));
    clock.advance(Duration.ofDays(1));
    orchidWorkPreferenceDay3 =
        add(Drafts.of("work", Kind.PREFERENCE, "prefers white orchid varieties", "plants"));
  }

  @AfterAll
  static void closeVault() {
    vault.close();
  }

  private static String add(Memory draft) {
    return vault.add(draft).getId();
  }

  private static List<String> ids(String query, Selection selection) {
    return vault.search(query, selection).stream().map(r -> r.memory().getId()).toList();
  }

  private static Set<String> idSet(String query, Selection selection) {
    return Set.copyOf(ids(query, selection));
  }

  @Test
  void search_hyphenatedWord_found() {
    List<SearchResult> hits = vault.search("Pi-hole", Selection.all());

    assertEquals(List.of(piHole), hits.stream().map(r -> r.memory().getId()).toList());
    assertTrue(hits.get(0).snippet().contains("["), hits.get(0).snippet());
    assertEquals("I run Pi-hole at home", hits.get(0).memory().getText());
  }

  @Test
  void search_dottedQuad_found() {
    assertEquals(List.of(dns), ids("9.9.9.9", Selection.all()));
  }

  @Test
  void search_accents_foldedBothWays() {
    assertEquals(Set.of(cafeAccented, cafePlain), idSet("cafe", Selection.all()));
    assertEquals(Set.of(cafeAccented, cafePlain), idSet("café", Selection.all()));
    assertEquals(Set.of(cafeAccented, cafePlain), idSet("CAFÉ", Selection.all()));
    assertEquals(Set.of(zurichAccented, zurichPlain), idSet("zurich", Selection.all()));
    assertEquals(Set.of(zurichAccented, zurichPlain), idSet("Zürich", Selection.all()));
    // Decomposed input (u + combining diaeresis), as some keyboards produce it.
    assertEquals(Set.of(zurichAccented, zurichPlain), idSet("Zu\u0308rich", Selection.all()));
  }

  @Test
  void search_prefix_findsLongerWord() {
    assertEquals(List.of(lisbon), ids("lisb*", Selection.all()));
    assertEquals(List.of(), ids("lisb", Selection.all()));
  }

  @Test
  void search_quotedPhrase_matchesOnlyInOrder() {
    assertEquals(List.of(lisbon), ids("\"trams are lovely\"", Selection.all()));
    assertEquals(List.of(), ids("\"lovely trams\"", Selection.all()));
  }

  @Test
  void search_noMemoryWithAllWords_memoriesWithAnyWord() {
    assertEquals(List.of(piHole), ids("home pi-hole", Selection.all()));
    assertEquals(Set.of(piHole, lisbon), idSet("home lisbon", Selection.all()));
  }

  @Test
  void search_allWordsMatch_rankAboveSomeWords() {
    String quokka = add(Drafts.note("zoo", "a quokka at dawn"));
    String both = add(Drafts.note("zoo", "the wombat chased the quokka"));
    String wombat = add(Drafts.note("zoo", "a wombat at dusk"));

    List<String> hits = ids("quokka wombat", Selection.all());

    assertEquals(both, hits.get(0));
    assertEquals(Set.of(quokka, wombat), Set.copyOf(hits.subList(1, 3)));
    assertEquals(List.of(both), ids("quokka wombat", Selection.all().limitedTo(1)));
  }

  @Test
  void search_tagText_isSearchable() {
    assertEquals(Set.of(piHole, dns), idSet("network", Selection.all()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Pi-hole",
        "9.9.9.9",
        "\"quoted phrase\"",
        "AND",
        "OR NOT",
        "a*",
        "(unbalanced",
        "\"unbalanced",
        "NEAR(",
        "NEAR(a b, 2)",
        "col:umn",
        "text:orchid",
        "orchid OR lisbon",
        "orchid NOT pot",
        "-orchid",
        "+orchid",
        "orchid^",
        "{text tags}: orchid",
        "orchid\"",
        "\"\"orchid",
        "o\"r\"chid",
        "orchid*)",
        "'; DROP TABLE memories; --",
        "x AND (y OR z",
        "\"a\" NEAR \"b\"",
        "AND OR NOT NEAR",
        "*orchid",
        "orch*id",
        "\u00e9*",
        "中文*",
      })
  void search_ftsSyntaxInInput_neverAnSqlError(String query) {
    // Results, or a refusal that the query holds only stop words ("AND", "OR NOT"); nothing else.
    try {
      vault.search(query, Selection.all());
    } catch (VaultException.InvalidInput e) {
      assertTrue(e.getMessage().contains("only common words"), query + ": " + e.getMessage());
    }
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @ValueSource(strings = {"", " ", "\t \n", "*", "^", "\"", "\"\"", "( )", "!?.,;:", "-- *", "…"})
  void search_nothingSearchable_invalidInput(String query) {
    VaultException.InvalidInput e =
        assertThrows(VaultException.InvalidInput.class, () -> vault.search(query, Selection.all()));
    assertTrue(e.getMessage().contains("no words"), e.getMessage());
  }

  @Test
  void search_randomPrintableStrings_onlyEverInvalidInput() {
    long seed = Seeds.seed("search_randomPrintableStrings_onlyEverInvalidInput");
    SplittableRandom random = new SplittableRandom(seed);
    String[] pieces = {
      "\"", "*", "(", ")", ":", "^", "-", "+", "{", "}", ",", ".", "'", ";", "\\", "/", "%", "_",
      "AND", "OR", "NOT", "NEAR", "NEAR(", " ", " ", "  ", "\t", "orchid", "lisb", "é", "ü", "ß",
      "中", "😀", "\uAB70", "\u0301", "\u00a0", "\u3000", "ı", "ع", "٣", "½", "…", "\u200d", "0x",
    };
    int invalid = 0;
    int found = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder query = new StringBuilder();
      int parts = random.nextInt(12);
      for (int p = 0; p < parts; p++) {
        if (random.nextBoolean()) {
          query.append(pieces[random.nextInt(pieces.length)]);
        } else {
          query.append((char) (0x20 + random.nextInt(0x7f - 0x20)));
        }
      }
      String q = query.toString();
      try {
        List<SearchResult> hits = vault.search(q, Selection.all());
        assertTrue(parses(q), "searched what it refuses: '" + q + "'" + Seeds.context(seed));
        found += hits.isEmpty() ? 0 : 1;
      } catch (VaultException.InvalidInput e) {
        assertFalse(parses(q), "refused a query with words: '" + q + "'" + Seeds.context(seed));
        invalid++;
      } catch (RuntimeException e) {
        throw new AssertionError("query '" + q + "' threw " + e + Seeds.context(seed), e);
      }
    }
    System.out.println("random queries: " + invalid + " without words, " + found + " with hits");
    // The vault is intact after all of that.
    assertEquals(List.of(lisbon), ids("lisbon", Selection.all()));
  }

  private static boolean parses(String query) {
    try {
      SearchQuery.parse(query);
      return true;
    } catch (VaultException.InvalidInput e) {
      return false;
    }
  }

  @Test
  void search_scopeFilter_onlyThatScope() {
    assertEquals(
        Set.of(orchidWorkNoteDay0, orchidWorkPreferenceDay3),
        idSet("orchid", Selection.all().inScope("work")));
    assertEquals(
        Set.of(orchidHomeFactDay1, orchidHomeNoteDay2),
        idSet("orchid", Selection.all().inScope("home")));
  }

  @Test
  void search_kindFilter_onlyThatKind() {
    assertEquals(
        Set.of(orchidWorkNoteDay0, orchidHomeNoteDay2),
        idSet("orchid", Selection.all().ofKind(Kind.NOTE)));
    assertEquals(Set.of(orchidHomeFactDay1), idSet("orchid", Selection.all().ofKind(Kind.FACT)));
  }

  @Test
  void search_tagFilter_exactTagOnly() {
    assertEquals(
        Set.of(orchidWorkNoteDay0, orchidHomeFactDay1, orchidWorkPreferenceDay3),
        idSet("orchid", Selection.all().taggedWith("plants")));
    assertEquals(Set.of(), idSet("orchid", Selection.all().taggedWith("plant")));
  }

  @Test
  void search_createdRange_fromInclusiveBeforeExclusive() {
    Instant day1 = DAY_0.plus(Duration.ofDays(1));
    Instant day3 = DAY_0.plus(Duration.ofDays(3));

    assertEquals(
        Set.of(orchidHomeFactDay1, orchidHomeNoteDay2, orchidWorkPreferenceDay3),
        idSet("orchid", Selection.all().createdFrom(day1)));
    assertEquals(Set.of(orchidWorkNoteDay0), idSet("orchid", Selection.all().createdBefore(day1)));
    assertEquals(
        Set.of(orchidHomeFactDay1, orchidHomeNoteDay2),
        idSet("orchid", Selection.all().createdFrom(day1).createdBefore(day3)));
    assertEquals(
        Set.of(orchidWorkPreferenceDay3),
        idSet("orchid", Selection.all().inScope("work").taggedWith("plants").createdFrom(day1)));
  }

  @Test
  void list_sameFilters_sameMemoriesNewestFirst() {
    Instant day1 = DAY_0.plus(Duration.ofDays(1));
    List<String> listed =
        vault.list(Selection.all().taggedWith("plants").createdFrom(day1)).stream()
            .map(Memory::getId)
            .toList();
    assertEquals(List.of(orchidWorkPreferenceDay3, orchidHomeFactDay1), listed);
    assertEquals(
        List.of(orchidWorkPreferenceDay3, orchidWorkNoteDay0),
        vault.list(Selection.all().inScope("work").taggedWith("plants")).stream()
            .map(Memory::getId)
            .toList());
  }

  @Test
  void search_limit_respected() {
    assertEquals(2, vault.search("orchid", Selection.all().limitedTo(2)).size());
    assertEquals(1, vault.list(Selection.all().limitedTo(1)).size());
  }

  @Test
  void search_bm25_threeMentionsRankAboveOneInLongerText() {
    List<SearchResult> hits = vault.search("kestrel", Selection.all());

    assertEquals(
        List.of(kestrelThrice, kestrelOnce), hits.stream().map(r -> r.memory().getId()).toList());
    assertTrue(hits.get(0).score() < hits.get(1).score(), "bm25: lower is better");
  }

  @Test
  void search_wordOnlyInMessage_returnsConversationOnce() {
    Memory conversation = vault.add(Drafts.conversation("chats", "Planning the Hebrides trip"));
    Memory first =
        vault.add(
            Drafts.message("chats", conversation.getId(), 0, "should we take the ferry to Barra?"));
    vault.add(
        Drafts.message(
            "chats", conversation.getId(), 1, "yes, the Barra ferry leaves Oban at 13:30"));
    vault.add(Drafts.message("chats", conversation.getId(), 2, "book the ferry tonight"));

    List<SearchResult> hits = vault.search("ferry", Selection.all());

    assertEquals(1, hits.size(), hits.toString());
    assertEquals(conversation.getId(), hits.get(0).memory().getId());
    assertEquals(Kind.CONVERSATION, hits.get(0).memory().getKind());
    assertEquals(List.of(conversation.getId()), ids("hebrides", Selection.all()));
    // Messages are not listed among memories unless asked for, nor counted in scopes.
    assertEquals(
        List.of(conversation.getId()),
        vault.list(Selection.all().inScope("chats")).stream().map(Memory::getId).toList());
    assertEquals(3, vault.list(Selection.all().inScope("chats").ofKind(Kind.MESSAGE)).size());
    assertEquals(3, vault.messages(conversation.getId()).size());
    assertEquals(first, vault.messages(conversation.getId()).get(0));
    assertEquals(1, scope("chats").memories());
  }

  @Test
  void forget_conversation_hidesItsMessages() {
    Memory conversation = vault.add(Drafts.conversation("chats2", "Allotment plans"));
    Memory message =
        vault.add(
            Drafts.message("chats2", conversation.getId(), 0, "plant the rhubarb crowns in March"));
    assertEquals(List.of(conversation.getId()), ids("rhubarb", Selection.all()));

    vault.forget(conversation.getId());

    assertEquals(List.of(), ids("rhubarb", Selection.all()));
    assertEquals(List.of(), ids("allotment", Selection.all()));
    assertEquals(List.of(), vault.list(Selection.all().inScope("chats2").ofKind(Kind.MESSAGE)));
    assertThrows(VaultException.UnknownItem.class, () -> vault.get(message.getId()));
    assertThrows(VaultException.UnknownItem.class, () -> vault.messages(conversation.getId()));
    assertEquals(0, scope("chats2").memories());
  }

  /** The conversation id in a message is an id like any other: accepted in either case. */
  @Test
  void message_conversationIdInUppercase_sameConversation() {
    Memory conversation = vault.add(Drafts.conversation("chats3", "Beekeeping"));
    Memory message =
        vault.add(
            Drafts.message(
                "chats3", conversation.getId().toUpperCase(), 0, "the queen excluder arrived"));

    assertEquals(List.of(conversation.getId()), ids("excluder", Selection.all()));
    assertEquals(
        List.of(message.getId()),
        vault.messages(conversation.getId()).stream().map(Memory::getId).toList());

    vault.forget(conversation.getId());

    assertEquals(List.of(), ids("excluder", Selection.all()));
    assertEquals(List.of(), vault.list(Selection.all().inScope("chats3").ofKind(Kind.MESSAGE)));
    assertThrows(VaultException.UnknownItem.class, () -> vault.get(message.getId()));
  }

  /** A message stays in the conversation it was added to: update cannot move it. */
  @Test
  void update_messageConversationId_keptAndForgetStillReachesIt() {
    Memory first = vault.add(Drafts.conversation("chats4", "Sourdough"));
    Memory second = vault.add(Drafts.conversation("chats4", "Pizza"));
    Memory message =
        vault.add(Drafts.message("chats4", first.getId(), 0, "feed the starter at night"));

    Memory updated =
        vault.update(
            message.getId(),
            b ->
                b.setText("feed the starter twice")
                    .setMessage(b.getMessage().toBuilder().setConversationId(second.getId())));

    assertEquals(first.getId(), updated.getMessage().getConversationId());
    assertEquals(List.of(first.getId()), ids("starter", Selection.all()));
    vault.forget(first.getId());
    assertThrows(VaultException.UnknownItem.class, () -> vault.get(message.getId()));
    assertEquals(List.of(), vault.messages(second.getId()));
  }

  @Test
  void message_malformedConversationId_invalidInput() {
    assertThrows(
        VaultException.InvalidInput.class,
        () -> vault.add(Drafts.message("chats3", "not-a-conversation", 0, "hello")));
  }

  @Test
  void search_unknownScope_unknownItemListingScopes() {
    VaultException.UnknownItem e =
        assertThrows(
            VaultException.UnknownItem.class,
            () -> vault.search("orchid", Selection.all().inScope("wrok")));
    assertTrue(e.getMessage().contains("'wrok'"), e.getMessage());
    assertTrue(e.getMessage().contains("home, travel, work"), e.getMessage());
    assertThrows(
        VaultException.UnknownItem.class, () -> vault.list(Selection.all().inScope("wrok")));
  }

  @Test
  void selection_limitOutOfRange_refused() {
    assertThrows(IllegalArgumentException.class, () -> Selection.all().limitedTo(0));
    assertThrows(
        IllegalArgumentException.class, () -> Selection.all().limitedTo(Selection.MAX_LIMIT + 1));
  }

  private static ScopeSummary scope(String name) {
    return vault.scopes().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no scope "
                        + name
                        + " in "
                        + vault.scopes().stream()
                            .map(ScopeSummary::name)
                            .collect(Collectors.joining(","))));
  }

  @Test
  void invalidInputs_clearExceptions() {
    assertMessage(
        assertThrows(
            VaultException.InvalidInput.class, () -> vault.add(Drafts.note("work", "   "))),
        "text is empty");
    assertMessage(
        assertThrows(
            VaultException.InvalidInput.class, () -> vault.add(Drafts.note("Work Stuff", "x"))),
        "scope 'Work Stuff' is not valid");
    assertMessage(
        assertThrows(VaultException.InvalidInput.class, () -> vault.add(Drafts.note("", "x"))),
        "scope '' is not valid");
    assertMessage(
        assertThrows(
            VaultException.InvalidInput.class,
            () -> vault.add(Drafts.note("work", "x", "two words"))),
        "tag 'two words' is not valid");
    assertMessage(
        assertThrows(
            VaultException.InvalidInput.class,
            () -> vault.add(Drafts.of("work", Kind.KIND_UNSPECIFIED, "x"))),
        "needs a kind");
    assertMessage(
        assertThrows(
            VaultException.InvalidInput.class,
            () -> vault.add(Drafts.message("work", "", 0, "hi"))),
        "conversation");
    assertMessage(
        assertThrows(
            VaultException.InvalidInput.class,
            () -> vault.add(Drafts.note("work", "x").toBuilder().setId("not-an-id").build())),
        "'not-an-id' is not a memory id");
    assertMessage(
        assertThrows(
            VaultException.InvalidInput.class,
            () -> vault.add(Drafts.note("work", "x".repeat(Vault.MAX_TEXT_CHARS + 1)))),
        "longer than");

    String unknown = "0190f3a2-0000-7000-8000-000000000000";
    assertMessage(
        assertThrows(VaultException.UnknownItem.class, () -> vault.get(unknown)),
        "no memory with id " + unknown);
    assertMessage(
        assertThrows(VaultException.UnknownItem.class, () -> vault.get("nope")),
        "no memory with id 'nope'");
    assertThrows(VaultException.UnknownItem.class, () -> vault.update("nope", b -> b.setText("y")));
    assertThrows(VaultException.UnknownItem.class, () -> vault.forget(unknown));
    assertThrows(VaultException.UnknownItem.class, () -> vault.history(unknown));
    assertThrows(VaultException.UnknownItem.class, () -> vault.rotateScopeKey("nope"));
    assertThrows(VaultException.InvalidInput.class, () -> vault.update(lisbon, b -> b.setText("")));
    // None of the refused writes left anything behind.
    assertFalse(
        vault.scopes().stream().anyMatch(s -> s.name().equals("Work Stuff") || s.name().isEmpty()));
    assertEquals("Lisbon trams are lovely", vault.get(lisbon).getText());
  }

  private static void assertMessage(VaultException e, String expectedPart) {
    if (!e.getMessage().contains(expectedPart)) {
      fail("message '" + e.getMessage() + "' does not say '" + expectedPart + "'");
    }
  }
}
