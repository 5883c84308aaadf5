package dev.memvault.sdk.portable.provider.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/**
 * Reads optional fields of a provider's JSON, failing with a {@link ConversationProblem} that names
 * the field (by its path, such as {@code mapping.n3.message.create_time}) when one has the wrong
 * type. A missing field and a JSON {@code null} read alike, as absent.
 */
public final class JsonFields {
  /** Later than any real export; larger numbers are not seconds. */
  private static final double MAX_EPOCH_SECONDS = 253_402_300_799d;

  private JsonFields() {}

  public static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  /** A string field, or null when absent. */
  public static String string(JsonNode object, String field, String path) {
    JsonNode value = object.get(field);
    if (absent(value)) {
      return null;
    }
    if (!value.isString()) {
      throw new ConversationProblem(at(path, field) + " is not a string");
    }
    return value.stringValue();
  }

  /** A string field, or "" when absent. */
  public static String stringOrEmpty(JsonNode object, String field, String path) {
    String value = string(object, field, path);
    return value == null ? "" : value;
  }

  /** An object field, or null when absent. */
  public static JsonNode object(JsonNode object, String field, String path) {
    JsonNode value = object.get(field);
    if (absent(value)) {
      return null;
    }
    if (!value.isObject()) {
      throw new ConversationProblem(at(path, field) + " is not an object");
    }
    return value;
  }

  /** An array field, or null when absent. */
  public static JsonNode array(JsonNode object, String field, String path) {
    JsonNode value = object.get(field);
    if (absent(value)) {
      return null;
    }
    if (!value.isArray()) {
      throw new ConversationProblem(at(path, field) + " is not a list");
    }
    return value;
  }

  /** A boolean field; absent reads as false. */
  public static boolean flag(JsonNode object, String field, String path) {
    JsonNode value = object.get(field);
    if (absent(value)) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new ConversationProblem(at(path, field) + " is not true or false");
    }
    return value.booleanValue();
  }

  /** A non-negative whole number, or 0 when absent. */
  public static long size(JsonNode object, String field, String path) {
    JsonNode value = object.get(field);
    if (absent(value)) {
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
      throw new ConversationProblem(at(path, field) + " is not a size in bytes");
    }
    return value.longValue();
  }

  /** Seconds since 1970 as a JSON number (ChatGPT's times), or null when absent. */
  public static Instant epochSeconds(JsonNode object, String field, String path) {
    JsonNode value = object.get(field);
    if (absent(value)) {
      return null;
    }
    if (!value.isNumber()) {
      throw new ConversationProblem(at(path, field) + " is not a time in seconds");
    }
    double seconds = value.doubleValue();
    if (!(seconds >= 0 && seconds <= MAX_EPOCH_SECONDS)) {
      throw new ConversationProblem(at(path, field) + " is out of range: " + value);
    }
    long whole = (long) Math.floor(seconds);
    // Rounded to microseconds: the exports' floats carry no more than that.
    long micros = Math.round((seconds - whole) * 1_000_000d);
    return Instant.ofEpochSecond(whole).plusNanos(micros * 1_000L);
  }

  /** An ISO-8601 time with an offset (Claude's times), or null when absent. */
  public static Instant isoTime(JsonNode object, String field, String path) {
    String value = string(object, field, path);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new ConversationProblem(at(path, field) + " is not an ISO-8601 time: '" + value + "'");
    }
  }

  public static String at(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
