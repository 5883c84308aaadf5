package dev.memvault.sdk.portable.context;

import com.google.protobuf.Timestamp;
import dev.memvault.core.VaultException;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import dev.memvault.sdk.MemoryVault;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a compact, plain-text block of what the vault knows that is relevant to a query, for a
 * person to paste into any assistant. The layout is stable:
 *
 * <pre>
 * What I know about you (from memvault):
 *
 * Instructions and preferences:
 * - Answer in British English. (you, 2026-11-28)
 *
 * Facts and notes:
 * - My daughter is called Ana. (chatgpt, 2024-05-29)
 *
 * From past conversations:
 * - "Trip to Lisbon": three days in Lisbon in May (claude, 2025-03-02, id 01a2…)
 * </pre>
 *
 * <p>The query's words are looked for separately, each as a prefix ({@code trip} finds "trips"),
 * leaving out small words such as "a" and "the"; "quoted words" stay one phrase. A memory that
 * matches more of them ranks higher.
 *
 * <p>What goes in, in this order of priority: instructions and preferences that match the query,
 * best match first; the other instructions and preferences, most recently updated first, while all
 * of these take at most half of the limit and half of the characters; facts and notes that match
 * the query, best match first; conversation excerpts that match (the matching snippet of a message
 * on the visible thread, with the conversation's title, the message's date and the conversation's
 * id; a message on a branch the person moved away from only when nothing else matches); then, if
 * room is left, the instructions and preferences that the half left out. The block lists
 * instructions and preferences first, then facts and notes, then conversations. Every entry is one
 * line ending with its source and date; a line is left out whole, never cut, when it does not fit
 * the character budget. Memory text longer than {@value #MAX_ENTRY_TEXT} characters is shortened at
 * a word with "…". Sections without entries are left out.
 */
public final class ContextBuilder {
  public static final String HEADER = "What I know about you (from memvault):";

  /** Longest memory text shown on one line before it is shortened. */
  public static final int MAX_ENTRY_TEXT = 400;

  private static final String STANDING = "Instructions and preferences:";
  private static final String FACTS = "Facts and notes:";
  private static final String CONVERSATIONS = "From past conversations:";
  private static final String NOTHING = "(nothing in the vault matches yet)";
  private static final String NOTHING_FITS = "(no entry fits in the character budget)";

  private final MemoryVault vault;

  public ContextBuilder(MemoryVault vault) {
    this.vault = vault;
  }

  /** One line of the block, in its section. */
  private record Entry(String section, String line) {}

  /**
   * The block for {@code request}, ending with a line break; never longer than its character
   * budget.
   *
   * @throws VaultException.UnknownItem if a scope does not exist
   * @throws VaultException.InvalidInput if the query has no letters or digits
   */
  public String build(ContextRequest request) {
    List<Selection> selections = new ArrayList<>();
    if (request.scopes().isEmpty()) {
      selections.add(Selection.all());
    } else {
      for (String scope : new LinkedHashSet<>(request.scopes())) {
        selections.add(Selection.all().inScope(scope));
      }
    }

    List<SearchResult> hits = search(request, selections);
    Set<String> matched = new HashSet<>();
    List<Entry> standingMatches = new ArrayList<>();
    List<Entry> facts = new ArrayList<>();
    List<Entry> conversations = new ArrayList<>();
    List<Entry> abandonedBranches = new ArrayList<>();
    for (SearchResult hit : hits) {
      Memory memory = hit.memory();
      matched.add(memory.getId());
      if (standing(memory.getKind())) {
        standingMatches.add(new Entry(STANDING, memoryLine(memory)));
      } else if (memory.getKind() == Kind.CONVERSATION) {
        Entry excerpt =
            new Entry(CONVERSATIONS, conversationLine(memory, hit.matched(), hit.snippet()));
        // An edit or regeneration the person moved away from is not what they settled on.
        boolean abandoned =
            hit.matched().getKind() == Kind.MESSAGE
                && !hit.matched().getMessage().getBranch().isEmpty();
        (abandoned ? abandonedBranches : conversations).add(excerpt);
      } else {
        facts.add(new Entry(FACTS, memoryLine(memory)));
      }
    }
    if (conversations.isEmpty()) {
      conversations.addAll(abandonedBranches);
    }
    List<Entry> standingOthers = new ArrayList<>();
    for (Memory memory : standing(request, selections)) {
      if (!matched.contains(memory.getId())) {
        standingOthers.add(new Entry(STANDING, memoryLine(memory)));
      }
    }

    List<Entry> chosen = new ArrayList<>();
    List<Entry> leftOut = new ArrayList<>();
    for (Entry entry : standingMatches) {
      add(chosen, entry, request.limit(), request.maxChars(), leftOut);
    }
    // Standing entries that do not match take at most half the room while matches need it.
    int standingLimit = (request.limit() + 1) / 2;
    for (Entry entry : standingOthers) {
      add(chosen, entry, standingLimit, request.maxChars() / 2, leftOut);
    }
    List<Entry> rest = new ArrayList<>(facts);
    rest.addAll(conversations);
    rest.addAll(leftOut);
    for (Entry entry : rest) {
      add(chosen, entry, request.limit(), request.maxChars(), new ArrayList<>());
    }
    if (chosen.isEmpty() && !rest.isEmpty()) {
      return HEADER + "\n\n" + NOTHING_FITS + "\n";
    }
    return render(chosen);
  }

  private List<SearchResult> search(ContextRequest request, List<Selection> selections) {
    List<String> terms = QueryTerms.of(request.query());
    int wanted = Math.min(Selection.MAX_LIMIT, Math.max(30, request.limit() * 3));
    // One search per term: a memory that matches any term counts, and summing its bm25 scores
    // over the terms ranks it as bm25 ranks an OR query, so matching more terms ranks higher.
    Map<String, SearchResult> best = new LinkedHashMap<>();
    Map<String, Double> scores = new HashMap<>();
    for (String term : terms) {
      for (Selection selection : selections) {
        for (SearchResult hit : vault.search(term, selection.limitedTo(wanted))) {
          String id = hit.memory().getId();
          scores.merge(id, hit.score(), Double::sum);
          SearchResult kept = best.get(id);
          if (kept == null || hit.score() < kept.score()) {
            best.put(id, hit);
          }
        }
      }
    }
    List<SearchResult> hits = new ArrayList<>();
    for (SearchResult hit : best.values()) {
      hits.add(
          new SearchResult(
              hit.memory(), hit.markedSnippet(), scores.get(hit.memory().getId()), hit.matched()));
    }
    // bm25 scores from one index compare across searches; lower is better.
    hits.sort(Comparator.comparingDouble(SearchResult::score));
    return hits;
  }

  private List<Memory> standing(ContextRequest request, List<Selection> selections) {
    Map<String, Memory> found = new LinkedHashMap<>();
    for (Selection selection : selections) {
      for (Kind kind : List.of(Kind.INSTRUCTION, Kind.PREFERENCE)) {
        for (Memory memory : vault.list(selection.ofKind(kind).limitedTo(request.limit()))) {
          found.put(memory.getId(), memory);
        }
      }
    }
    List<Memory> standing = new ArrayList<>(found.values());
    standing.sort(
        Comparator.comparing((Memory m) -> instant(m.getUpdatedAt()))
            .reversed()
            .thenComparing(Memory::getId));
    return standing;
  }

  /** Adds {@code entry} if the count and the rendered block stay within bounds, else notes it. */
  private static void add(
      List<Entry> chosen, Entry entry, int maxCount, int maxChars, List<Entry> leftOut) {
    List<Entry> tried = new ArrayList<>(chosen);
    tried.add(entry);
    if (chosen.size() < maxCount && render(tried).length() <= maxChars) {
      chosen.add(entry);
    } else {
      leftOut.add(entry);
    }
  }

  private static String render(List<Entry> entries) {
    StringBuilder block = new StringBuilder(HEADER).append('\n');
    if (entries.isEmpty()) {
      return block.append('\n').append(NOTHING).append('\n').toString();
    }
    for (String section : List.of(STANDING, FACTS, CONVERSATIONS)) {
      List<Entry> inSection = entries.stream().filter(e -> e.section().equals(section)).toList();
      if (inSection.isEmpty()) {
        continue;
      }
      block.append('\n').append(section).append('\n');
      for (Entry entry : inSection) {
        block.append(entry.line()).append('\n');
      }
    }
    return block.toString();
  }

  private static String memoryLine(Memory memory) {
    return "- "
        + shortened(oneLine(memory.getText()))
        + " "
        + origin(memory.getSource(), memory.getCreatedAt());
  }

  /**
   * {@code - "Title": excerpt (source, date, id ID)}: the excerpt of the message that matched, its
   * date, and the conversation's id, which {@code memvault show} takes to read the whole thread.
   */
  private static String conversationLine(Memory conversation, Memory matched, String snippet) {
    String title = oneLine(conversation.getConversation().getTitle());
    // The index marks matches as [word]; a prompt reads better without the marks.
    String excerpt = oneLine(snippet.replace("[", "").replace("]", ""));
    // A conversation's search text starts with its title, which the line shows already.
    if (!title.isEmpty() && excerpt.regionMatches(true, 0, title, 0, title.length())) {
      excerpt = excerpt.substring(title.length()).strip();
    }
    StringBuilder line = new StringBuilder("- ");
    line.append('"')
        .append(title.isEmpty() ? "Untitled conversation" : shortened(title))
        .append('"');
    if (!excerpt.isEmpty() && !excerpt.equalsIgnoreCase(title)) {
      line.append(": ").append(shortened(excerpt));
    }
    Timestamp said =
        matched.getKind() == Kind.MESSAGE ? matched.getCreatedAt() : conversation.getCreatedAt();
    String origin = origin(conversation.getSource(), said);
    return line.append(' ')
        .append(origin, 0, origin.length() - 1)
        .append(", id ")
        .append(conversation.getId())
        .append(')')
        .toString();
  }

  /** "(you, 2026-11-28)" for what a person wrote into memvault, else "(chatgpt, 2024-05-29)". */
  private static String origin(Source source, Timestamp created) {
    String provider = source.getProvider();
    String who = provider.isEmpty() || provider.equals("memvault") ? "you" : provider;
    return "(" + who + ", " + instant(created).atOffset(ZoneOffset.UTC).toLocalDate() + ")";
  }

  private static boolean standing(Kind kind) {
    return kind == Kind.INSTRUCTION || kind == Kind.PREFERENCE;
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }

  private static String shortened(String text) {
    if (text.length() <= MAX_ENTRY_TEXT) {
      return text;
    }
    int cut = text.lastIndexOf(' ', MAX_ENTRY_TEXT - 1);
    if (cut < MAX_ENTRY_TEXT / 2) {
      cut = MAX_ENTRY_TEXT - 1;
      // Never split a surrogate pair.
      if (Character.isHighSurrogate(text.charAt(cut - 1))) {
        cut--;
      }
    }
    return text.substring(0, cut).stripTrailing() + "…";
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
