package dev.memvault.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How long {@code memvault unlock --for} keeps a vault unlocked: hours, minutes and seconds as
 * {@code 15m}, {@code 1h30m} or {@code 90s}; at most {@link #LONGEST}, so a forgotten session ends
 * within a working day.
 */
final class SessionLength implements ITypeConverter<Duration> {
  static final Duration DEFAULT = Duration.ofMinutes(15);
  static final Duration LONGEST = Duration.ofHours(12);

  private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,6}[hms])+");
  private static final Pattern PART = Pattern.compile("(\\d{1,6})([hms])");

  @Override
  public Duration convert(String value) {
    if (!WHOLE.matcher(value).matches()) {
      throw refused(value);
    }
    Duration length = Duration.ZERO;
    Matcher part = PART.matcher(value);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      length =
          length.plus(
              switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
              });
    }
    if (length.isZero() || length.compareTo(LONGEST) > 0) {
      throw refused(value);
    }
    return length;
  }

  private static TypeConversionException refused(String value) {
    return new TypeConversionException(
        "'"
            + value
            + "' is not a session length: give one such as 15m, 1h30m or 90s, at most "
            + LONGEST.toHours()
            + "h");
  }

  /** As a person says it: "15 minutes", "1 h 30 min", "90 seconds". */
  static String spoken(Duration length) {
    if (length.toSecondsPart() != 0 || length.toMinutes() == 0) {
      return length.toSeconds() + " seconds";
    }
    if (length.toMinutesPart() == 0) {
      return length.toHours() + (length.toHours() == 1 ? " hour" : " hours");
    }
    if (length.toHours() == 0) {
      return length.toMinutes() + " minutes";
    }
    return length.toHours() + " h " + length.toMinutesPart() + " min";
  }
}
