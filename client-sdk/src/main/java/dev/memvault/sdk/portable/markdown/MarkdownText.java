package dev.memvault.sdk.portable.markdown;

import com.google.protobuf.Timestamp;
import dev.memvault.proto.v1.Source;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Small pieces of Markdown and the ways dates, sources and sizes are shown. */
final class MarkdownText {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private MarkdownText() {}

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  static String date(Timestamp timestamp) {
    return DATE.format(instant(timestamp));
  }

  static String dateTime(Timestamp timestamp) {
    return DATE_TIME.format(instant(timestamp));
  }

  /** "you" for what a person wrote into memvault, else the provider and model. */
  static String source(Source source) {
    String provider = source.getProvider();
    String who = provider.isEmpty() || provider.equals("memvault") ? "you" : provider;
    return source.getModel().isEmpty() ? who : who + " (" + source.getModel() + ")";
  }

  /** A fenced code block whose fence is longer than any run of backticks inside. */
  static String fenced(String language, String text) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = text.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(Math.max(3, longest + 1));
    return fence + language + "\n" + text + (text.endsWith("\n") ? "" : "\n") + fence + "\n";
  }

  /** A collapsible block: shown closed, opened with a click on most Markdown viewers. */
  static String details(String summary, String body) {
    return "<details>\n<summary>"
        + html(summary)
        + "</summary>\n\n"
        + body
        + (body.endsWith("\n") ? "" : "\n")
        + "\n</details>\n";
  }

  /** Text inside HTML: the characters that would start or end markup are escaped. */
  static String html(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Every line after the first indented by {@code indent}, to stay inside a list item. */
  static String continued(String text, String indent) {
    return text.strip().replace("\r\n", "\n").replace("\n", "\n" + indent);
  }

  /** A quoted block: every line starts with "> ". */
  static String quoted(String text) {
    return "> " + text.strip().replace("\r\n", "\n").replace("\n", "\n> ") + "\n";
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }
}
