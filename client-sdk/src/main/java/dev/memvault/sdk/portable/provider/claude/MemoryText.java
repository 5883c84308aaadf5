package dev.memvault.sdk.portable.provider.claude;

import dev.memvault.proto.v1.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits what Claude remembers (one block of text: bold section headings, each followed by
 * sentences or bullets) into pieces that each say one thing, and gives each the kind it reads as.
 *
 * <ul>
 *   <li>A line that is only bold text ({@code **Work context**}) or a Markdown heading starts a
 *       section; its text names the section of the pieces below it.
 *   <li>A bullet ({@code -}, {@code *}, {@code •}, {@code 1.}) is one piece.
 *   <li>Other lines are joined into paragraphs and cut into sentences: after {@code .}, {@code !}
 *       or {@code ?} and a space, before a capital letter or digit, but not after a common
 *       abbreviation ("e.g.", "Dr.").
 * </ul>
 *
 * <p>Kinds: a piece that states a taste or a constraint to respect (prefers, likes, avoids,
 * vegetarian, allergic, ...) is a {@code PREFERENCE}, which a context block shows whatever the
 * query; in a section about instructions, an {@code INSTRUCTION}; in a section about what is
 * current (top of mind, on the horizon, current state, recent), a {@code NOTE}; otherwise a {@code
 * FACT}.
 */
final class MemoryText {
  private static final Pattern BOLD_HEADING = Pattern.compile("^\\*\\*(.+?)\\*\\*\\s*:?$");
  private static final Pattern MARKDOWN_HEADING = Pattern.compile("^#{1,6}\\s+(.+)$");
  private static final Pattern BULLET = Pattern.compile("^(?:[-*•]|\\d{1,3}[.)])\\s+(.*)$");
  private static final Pattern PREFERENCE =
      Pattern.compile(
          "\\b(prefer\\w*|likes|liked|would like|dislike\\w*|loves?|loved|hates?|enjoy\\w*"
              + "|favou?rites?|would rather|avoid\\w*|vegetarian|vegan|pescatarian|allerg\\w*"
              + "|intoleran\\w*|halal|kosher|gluten|lactose|(?:does not|doesn't|cannot|can't"
              + "|never) eat\\w*)\\b",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern CURRENT =
      Pattern.compile(
          "\\b(top of mind|horizon|current\\w*|recent\\w*|now|upcoming)\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern INSTRUCTIONS =
      Pattern.compile("instruction", Pattern.CASE_INSENSITIVE);
  private static final Set<String> ABBREVIATIONS =
      Set.of("e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "st.", "vs.", "etc.", "approx.", "no.");

  /** One thing remembered, with the section it was under ("" before the first heading). */
  record Piece(String section, String text, Kind kind) {}

  private MemoryText() {}

  static List<Piece> split(String block) {
    List<Piece> pieces = new ArrayList<>();
    String section = "";
    StringBuilder paragraph = new StringBuilder();
    for (String raw : block.split("\\R")) {
      String line = raw.strip();
      Matcher heading = BOLD_HEADING.matcher(line);
      Matcher markdown = MARKDOWN_HEADING.matcher(line);
      Matcher bullet = BULLET.matcher(line);
      if (line.isEmpty() || heading.matches() || markdown.matches() || bullet.matches()) {
        sentences(paragraph.toString(), section, pieces);
        paragraph.setLength(0);
      }
      if (heading.matches()) {
        section = plain(heading.group(1));
      } else if (markdown.matches()) {
        section = plain(markdown.group(1));
      } else if (bullet.matches()) {
        add(plain(bullet.group(1)), section, pieces);
      } else if (!line.isEmpty()) {
        paragraph.append(paragraph.length() == 0 ? "" : " ").append(line);
      }
    }
    sentences(paragraph.toString(), section, pieces);
    return pieces;
  }

  private static void sentences(String paragraph, String section, List<Piece> pieces) {
    String text = plain(paragraph);
    int start = 0;
    for (int i = 0; i < text.length() - 1; i++) {
      char c = text.charAt(i);
      if ((c == '.' || c == '!' || c == '?')
          && Character.isWhitespace(text.charAt(i + 1))
          && startsSentence(text, i + 1)
          && !endsWithAbbreviation(text, start, i + 1)) {
        add(text.substring(start, i + 1), section, pieces);
        start = i + 1;
      }
    }
    add(text.substring(start), section, pieces);
  }

  private static boolean startsSentence(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (i >= text.length()) {
      return false;
    }
    int next = text.codePointAt(i);
    return Character.isUpperCase(next) || Character.isDigit(next) || "\"'“(".indexOf(next) >= 0;
  }

  private static boolean endsWithAbbreviation(String text, int start, int end) {
    int space = text.lastIndexOf(' ', end - 1);
    String word = text.substring(Math.max(start, space + 1), end).toLowerCase(Locale.ROOT);
    return ABBREVIATIONS.contains(word);
  }

  private static void add(String text, String section, List<Piece> pieces) {
    String piece = text.strip();
    if (!piece.isEmpty()) {
      pieces.add(new Piece(section, piece, kind(section, piece)));
    }
  }

  private static Kind kind(String section, String text) {
    if (INSTRUCTIONS.matcher(section).find()) {
      return Kind.INSTRUCTION;
    }
    if (PREFERENCE.matcher(text).find()) {
      return Kind.PREFERENCE;
    }
    if (CURRENT.matcher(section).find()) {
      return Kind.NOTE;
    }
    return Kind.FACT;
  }

  /** The text without Markdown bold or italic marks. */
  private static String plain(String text) {
    return text.replace("**", "").replace("__", "").strip();
  }
}
