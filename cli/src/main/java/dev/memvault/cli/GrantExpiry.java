package dev.memvault.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --expires}: a span from now (12h, 30d, 2w) or a date (2027-01-31, its start in UTC). */
final class GrantExpiry {
  private static final Pattern SPAN = Pattern.compile("([1-9][0-9]{0,4})([hdw])");

  private GrantExpiry() {}

  static Instant parse(String text, Instant now) {
    Matcher span = SPAN.matcher(text.strip());
    if (span.matches()) {
      long amount = Long.parseLong(span.group(1));
      Duration unit =
          switch (span.group(2)) {
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
          };
      return now.plus(unit.multipliedBy(amount));
    }
    try {
      return LocalDate.parse(text.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new Main.UsageException(
          "--expires '" + text + "' is neither a span (12h, 30d, 2w) nor a date (2027-01-31)");
    }
  }
}
