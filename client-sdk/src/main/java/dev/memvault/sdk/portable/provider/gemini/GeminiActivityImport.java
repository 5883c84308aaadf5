package dev.memvault.sdk.portable.provider.gemini;

import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import dev.memvault.proto.v1.Role;
import dev.memvault.sdk.portable.provider.ExportFormatException;
import dev.memvault.sdk.portable.provider.ImportProgress;
import dev.memvault.sdk.portable.provider.internal.ConversationBatch;
import dev.memvault.sdk.portable.provider.internal.ConversationProblem;
import dev.memvault.sdk.portable.provider.internal.ConversationReader;
import dev.memvault.sdk.portable.provider.internal.ConversationWriter;
import dev.memvault.sdk.portable.provider.internal.ExportEntry;
import dev.memvault.sdk.portable.provider.internal.ExportInput;
import dev.memvault.sdk.portable.provider.internal.ImportTally;
import dev.memvault.sdk.portable.provider.internal.ImportedConversation;
import dev.memvault.sdk.portable.provider.internal.ImportedMessage;
import dev.memvault.sdk.portable.provider.internal.MessageContent;
import dev.memvault.sdk.portable.provider.internal.Titles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Imports Gemini conversations from Google Takeout's activity log ("My Activity", product "Gemini
 * Apps"): one entry per exchange, newest first, the conversations interleaved. Entries are grouped
 * by the conversation id at the end of {@code titleUrl} and ordered by time; the title comes from
 * the first prompt. An entry without a link cannot be placed in a conversation with certainty, so
 * it becomes a conversation of its own, identified by its time: never merged with unrelated
 * exchanges, and the same conversation in every export.
 *
 * <p>A conversation is complete only at the end of the file, and the file can be hundreds of MB. So
 * the log is read in passes: the first checks every entry and measures each conversation; each
 * later pass collects the entries of as many conversations as fit in {@value #PASS_BUDGET_CHARS}
 * characters and writes them, each whole or not at all. Memory stays bounded by that budget (or by
 * the largest single conversation) plus a small record per conversation; nothing of the
 * conversations is written to temporary files. A file that cannot be read to its end is refused in
 * the first pass, before anything is written.
 */
public final class GeminiActivityImport {
  /** Characters of prompts and answers held at once; a conversation larger than this is alone. */
  public static final long PASS_BUDGET_CHARS = 16L << 20;

  static final String MY_ACTIVITY = "MyActivity.json";

  /** Takeout's {@code Takeout/My Activity/Gemini Apps/MyActivity.json}. */
  public static final ExportEntry EXPORT =
      new ExportEntry() {
        @Override
        public String fileName() {
          return MY_ACTIVITY;
        }

        @Override
        public boolean accepts(String path) {
          return folder(path).toLowerCase(Locale.ROOT).contains("gemini");
        }

        @Override
        public String whenMissing(
            Path export, boolean directory, String exportName, List<String> paths) {
          Set<String> others = new TreeSet<>();
          for (String path : paths) {
            if (path.endsWith("/MyActivity.html") && accepts(path)) {
              return export
                  + " holds the Gemini Apps activity as HTML; in Google Takeout, choose JSON as"
                  + " the format of My Activity and export again";
            }
            if (path.endsWith("/" + MY_ACTIVITY) || path.endsWith("/MyActivity.html")) {
              others.add(folder(path));
            }
          }
          if (!others.isEmpty()) {
            return export
                + " holds the activity of "
                + String.join(", ", others)
                + ", not of Gemini Apps; in Google Takeout, choose My Activity and, under its"
                + " activity records, Gemini Apps";
          }
          return export
              + " holds no Gemini Apps activity (My Activity/Gemini Apps/"
              + MY_ACTIVITY
              + "); is it "
              + exportName
              + " from Google Takeout?";
        }
      };

  private static String folder(String path) {
    int slash = path.lastIndexOf('/');
    if (slash < 0) {
      return "";
    }
    String parent = path.substring(0, slash);
    return parent.substring(parent.lastIndexOf('/') + 1);
  }

  /** What the first pass learns of a conversation. */
  private static final class Group {
    final String id;
    final int number;
    long chars;
    String failure;
    List<Placed> entries;

    Group(String id, int number) {
      this.id = id;
      this.number = number;
    }
  }

  /** An entry collected for its conversation, with its place in the file for equal times. */
  private record Placed(GeminiEntry entry, int index) {}

  private final ConversationWriter writer;
  private final Path export;
  private final String exportName;
  private final ImportProgress progress;
  private final ImportTally tally;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private long totalBytes = -1;

  private GeminiActivityImport(
      ConversationWriter writer,
      Path export,
      String exportName,
      ImportProgress progress,
      ImportTally tally) {
    this.writer = writer;
    this.export = export;
    this.exportName = exportName;
    this.progress = progress;
    this.tally = tally;
  }

  /**
   * @throws ExportFormatException if the file is not Gemini's activity log
   * @throws dev.memvault.sdk.portable.provider.internal.UnreadableExport if it cannot be read on
   */
  public static void run(
      ConversationWriter writer,
      Path export,
      String exportName,
      ImportProgress progress,
      ImportTally tally) {
    new GeminiActivityImport(writer, export, exportName, progress, tally).run();
  }

  private void run() {
    index();
    List<List<Group>> passes = passes();
    for (int pass = 0; pass < passes.size(); pass++) {
      collect(passes.get(pass), pass, passes.size());
    }
  }

  /** The first pass: every entry checked and counted against its conversation. */
  private void index() {
    try (ExportInput input = ExportInput.open(export, exportName, EXPORT);
        ConversationReader reader =
            ConversationReader.ofItems(input.stream(), input.description(), exportName, "entry")) {
      totalBytes = input.totalBytes();
      for (JsonNode node = reader.next(); node != null; node = reader.next()) {
        report(input.bytesRead(), 0, 0);
        if (reader.count() == 1) {
          refuseOtherExports(node, input.description());
        }
        String key;
        long chars = 0;
        String failure = null;
        try {
          GeminiEntry entry = GeminiEntry.of(node);
          if (entry.exchanges().isEmpty()) {
            // Activity without a prompt or an answer (a setting changed): nothing to keep.
            continue;
          }
          key = key(entry);
          for (GeminiEntry.Exchange exchange : entry.exchanges()) {
            chars += exchange.request().length() + exchange.response().length();
          }
        } catch (ConversationProblem e) {
          key = node.isObject() ? keyOfBroken(node, reader.count()) : "entry/" + reader.count();
          failure = "entry " + reader.count() + ": " + e.getMessage();
        }
        Group group = groups.computeIfAbsent(key, k -> new Group(k, groups.size() + 1));
        group.chars += chars;
        if (failure != null && group.failure == null) {
          group.failure = failure;
        }
      }
    }
    for (Group group : groups.values()) {
      tally.read();
      if (group.failure != null) {
        tally.fail(group.number, group.id.startsWith("entry/") ? "" : group.id, group.failure);
      }
    }
  }

  private void refuseOtherExports(JsonNode first, String description) {
    if (!first.isObject()) {
      return;
    }
    String other = null;
    if (first.has("mapping")) {
      other = "it looks like a ChatGPT export; import it with 'memvault import chatgpt'";
    } else if (first.has("chat_messages")) {
      other = "it looks like a Claude export; import it with 'memvault import claude'";
    } else if (first.has("header") || first.has("products")) {
      if (!GeminiEntry.isGemini(first)) {
        other =
            "it is the activity of "
                + GeminiEntry.product(first)
                + "; in Google Takeout, choose My Activity and, under its activity records, Gemini"
                + " Apps";
      }
    } else {
      other = "its entries have neither 'header' nor 'products' (Google Takeout's activity log)";
    }
    if (other != null) {
      throw new ExportFormatException(description + " is not " + exportName + ": " + other);
    }
  }

  /** The conversation an entry that cannot be read belongs to, as far as its link says. */
  private static String keyOfBroken(JsonNode node, int number) {
    try {
      String id = GeminiEntry.of(node).conversationId();
      return id != null ? id : "entry/" + number;
    } catch (ConversationProblem e) {
      JsonNode url = node.get("titleUrl");
      if (url != null && url.isString()) {
        String text = url.stringValue();
        String last = text.substring(text.lastIndexOf('/') + 1);
        if (!last.isBlank()) {
          return last;
        }
      }
      return "entry/" + number;
    }
  }

  private static String key(GeminiEntry entry) {
    return entry.conversationId() != null ? entry.conversationId() : "activity/" + entry.timeText();
  }

  /** Conversations that import, in file order, cut into passes that fit the budget. */
  private List<List<Group>> passes() {
    List<List<Group>> passes = new ArrayList<>();
    List<Group> pass = new ArrayList<>();
    long chars = 0;
    for (Group group : groups.values()) {
      if (group.failure != null) {
        continue;
      }
      if (!pass.isEmpty() && chars + group.chars > PASS_BUDGET_CHARS) {
        passes.add(pass);
        pass = new ArrayList<>();
        chars = 0;
      }
      pass.add(group);
      chars += group.chars;
    }
    if (!pass.isEmpty()) {
      passes.add(pass);
    }
    return passes;
  }

  /** A later pass: the entries of {@code wanted} collected, then their conversations written. */
  private void collect(List<Group> wanted, int pass, int passes) {
    Map<String, Group> byId = new HashMap<>();
    for (Group group : wanted) {
      group.entries = new ArrayList<>();
      byId.put(group.id, group);
    }
    ConversationBatch batch = new ConversationBatch(writer, tally);
    try (ExportInput input = ExportInput.open(export, exportName, EXPORT);
        ConversationReader reader =
            ConversationReader.ofItems(input.stream(), input.description(), exportName, "entry")) {
      for (JsonNode node = reader.next(); node != null; node = reader.next()) {
        report(input.bytesRead(), pass + 1, passes);
        GeminiEntry entry;
        try {
          entry = GeminiEntry.of(node);
        } catch (ConversationProblem e) {
          continue; // Its conversation failed in the first pass.
        }
        Group group = byId.get(key(entry));
        if (group != null) {
          group.entries.add(new Placed(entry, reader.count()));
        }
      }
      for (Group group : wanted) {
        batch.add(group.number, conversation(group), input.bytesRead());
        group.entries = null;
      }
      batch.flush(input.bytesRead());
    }
  }

  private static ImportedConversation conversation(Group group) {
    List<Placed> entries = new ArrayList<>(group.entries);
    entries.sort(
        Comparator.comparing((Placed placed) -> placed.entry().time())
            .thenComparing(Placed::index, Comparator.reverseOrder()));
    List<ImportedMessage> messages = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    String previous = null;
    for (Placed placed : entries) {
      GeminiEntry entry = placed.entry();
      List<GeminiEntry.Exchange> exchanges = entry.exchanges();
      for (int i = 0; i < exchanges.size(); i++) {
        String base = unique(ids, group.id + "/" + entry.timeText() + "/" + i);
        GeminiEntry.Exchange exchange = exchanges.get(i);
        for (boolean request : new boolean[] {true, false}) {
          String text = request ? exchange.request() : exchange.response();
          if (text.isEmpty()) {
            continue;
          }
          String id = base + (request ? "/request" : "/response");
          MessageContent content =
              new MessageContent(
                  id,
                  request ? Role.USER : Role.ASSISTANT,
                  "",
                  List.of(Part.newBuilder().setType(PartType.TEXT).setText(text).build()),
                  "",
                  entry.time());
          messages.add(new ImportedMessage(content, messages.size(), previous, null, null));
          previous = id;
        }
      }
    }
    return new ImportedConversation(
        group.id,
        Titles.orDerived(null, messages),
        "",
        "",
        entries.isEmpty() ? null : entries.get(0).entry().time(),
        entries.isEmpty() ? null : entries.get(entries.size() - 1).entry().time(),
        messages,
        List.of());
  }

  /** Two exchanges of one conversation at the same instant: the later in the file gets "#2". */
  private static String unique(Set<String> ids, String id) {
    String candidate = id;
    for (int n = 2; !ids.add(candidate); n++) {
      candidate = id + "#" + n;
    }
    return candidate;
  }

  /**
   * Progress over all passes as a share of the file's size: the first pass is the first half, the
   * collecting passes share the second.
   */
  private void report(long bytesRead, int pass, int passes) {
    if (totalBytes <= 0) {
      progress.update(bytesRead, -1);
      return;
    }
    long done =
        pass == 0
            ? bytesRead / 2
            : (totalBytes * passes + (pass - 1) * totalBytes + bytesRead) / (2L * passes);
    progress.update(Math.min(done, totalBytes), totalBytes);
  }
}
