package dev.memvault.cli;

import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Filters shared by {@code list} and {@code search}. */
final class SelectionOptions {
  @Option(names = "--scope", paramLabel = "SCOPE", description = "Only this scope.")
  String scope;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "Only this kind: fact, preference, instruction, note, conversation, message.")
  String kind;

  @Option(names = "--tag", paramLabel = "TAG", description = "Only memories with this tag.")
  String tag;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "Only memories created at or after TIME (2026-11-01 or 2026-11-01T08:00:00Z).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "Only memories created before TIME (a date means its start, UTC).")
  String until;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "At most N results (default: ${DEFAULT-VALUE}); list takes any number and prints as it"
              + " reads, search ranks up to 10,000.")
  long limit;

  /** The filters, with the limit a single read can take: {@code --limit} up to 10,000. */
  Selection toSelection() {
    if (limit < 1) {
      throw new Main.UsageException("--limit must be a positive number");
    }
    Selection selection = Selection.all().limitedTo((int) Math.min(limit, Selection.MAX_LIMIT));
    if (scope != null) {
      selection = selection.inScope(scope);
    }
    if (kind != null) {
      selection = selection.ofKind(kind(kind));
    }
    if (tag != null) {
      selection = selection.taggedWith(tag);
    }
    if (since != null) {
      selection = selection.createdFrom(time("--since", since));
    }
    if (until != null) {
      selection = selection.createdBefore(time("--until", until));
    }
    return selection;
  }

  static Kind kind(String name) {
    try {
      Kind kind = Kind.valueOf(name.toUpperCase(Locale.ROOT));
      if (kind != Kind.KIND_UNSPECIFIED && kind != Kind.UNRECOGNIZED) {
        return kind;
      }
    } catch (IllegalArgumentException e) {
      // Falls through to the usage error below.
    }
    throw new Main.UsageException(
        "unknown kind '"
            + name
            + "': use fact, preference, instruction, note, conversation or message");
  }

  private static Instant time(String option, String text) {
    try {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException notADate) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new Main.UsageException(
            option
                + " takes a date (2026-11-01) or a UTC time (2026-11-01T08:00:00Z), not '"
                + text
                + "'");
      }
    }
  }
}
