package dev.memvault.sdk.portable.provider.internal;

import java.io.EOFException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the list of conversations of an export one at a time: only the item being read is in
 * memory, so an export of any size imports in a small, fixed heap. The list is the whole file
 * ({@code conversations.json}) or a field of the file's top-level object (xAI's {@code
 * conversations}); the items may be called something else in messages (Google's activity
 * "entries").
 */
public final class ConversationReader implements AutoCloseable {
  // Exports use a fresh UUID as a property name for every node of every conversation; a symbol
  // table of them would grow with the file.
  private static final JsonMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
                  .build())
          // Each conversation is read out of the middle of the array: more follows it.
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final JsonParser parser;
  private final String description;
  private final String exportName;
  private final String itemName;
  private final String listField;
  private final Set<String> keptFields;
  private final Map<String, JsonNode> kept = new LinkedHashMap<>();
  private int count;
  private boolean started;
  private boolean finished;

  /**
   * A file that is a list of conversations.
   *
   * @param description how to name the input in messages, such as "conversations.json in x.zip"
   * @param exportName what the input should be, such as "a ChatGPT data export"
   */
  public ConversationReader(InputStream in, String description, String exportName) {
    this(in, description, exportName, "conversation", null, Set.of());
  }

  private ConversationReader(
      InputStream in,
      String description,
      String exportName,
      String itemName,
      String listField,
      Set<String> keptFields) {
    this.description = description;
    this.exportName = exportName;
    this.itemName = itemName;
    this.listField = listField;
    this.keptFields = Set.copyOf(keptFields);
    this.parser = open(in);
  }

  /**
   * A parser on {@code in}. Making one reads the first bytes (to tell the encoding), so a damaged
   * zip entry can fail here already.
   */
  private JsonParser open(InputStream in) {
    try {
      return JSON.createParser(in);
    } catch (JacksonException e) {
      throw failure(e, false);
    }
  }

  /** A file that is a list of items called {@code itemName} in messages, such as "entry". */
  public static ConversationReader ofItems(
      InputStream in, String description, String exportName, String itemName) {
    return new ConversationReader(in, description, exportName, itemName, null, Set.of());
  }

  /**
   * A file that is an object whose field {@code listField} is the list of conversations. Of its
   * other fields, those named in {@code keptFields} are read whole (they must be small) and
   * available from {@link #kept} once the list is read; the rest are skipped.
   */
  public static ConversationReader inField(
      InputStream in,
      String description,
      String exportName,
      String listField,
      Set<String> keptFields) {
    return new ConversationReader(
        in, description, exportName, "conversation", listField, keptFields);
  }

  /**
   * The fields named when this reader was made that the file holds, once {@link #next} has returned
   * null.
   */
  public Map<String, JsonNode> kept() {
    return Collections.unmodifiableMap(kept);
  }

  /**
   * The next item (a JSON value, normally an object), or null after the last.
   *
   * @throws UnreadableExport if the file cannot be read on
   */
  public JsonNode next() {
    if (finished) {
      return null;
    }
    if (!started) {
      start();
    }
    JsonToken token = token(false);
    if (token == JsonToken.END_ARRAY) {
      finished = true;
      if (listField != null) {
        readFields(false);
      }
      if (token(false) != null) {
        throw new UnreadableExport(
            description
                + " has unexpected content after the list of "
                + plural()
                + ", at "
                + offset(parser.currentTokenLocation()),
            null);
      }
      return null;
    }
    try {
      JsonNode conversation = JSON.readTree(parser);
      count++;
      return conversation;
    } catch (JacksonException e) {
      throw failure(e, true);
    }
  }

  /** Items returned so far. */
  public int count() {
    return count;
  }

  private void start() {
    started = true;
    JsonToken first;
    try {
      first = parser.nextToken();
    } catch (JacksonIOException e) {
      throw failure(e, false);
    } catch (JacksonException e) {
      throw new UnreadableExport(
          description
              + " is not "
              + exportName
              + ": it is not JSON ("
              + reason(e)
              + " at "
              + offset(e.getLocation())
              + ")",
          e);
    }
    if (first == null) {
      throw new UnreadableExport(description + " is empty; expected " + exportName, null);
    }
    if (listField == null && first != JsonToken.START_ARRAY) {
      throw new UnreadableExport(
          description
              + " is not "
              + exportName
              + ": expected a list of "
              + plural()
              + ", found "
              + describe(first),
          null);
    }
    if (listField != null) {
      if (first != JsonToken.START_OBJECT) {
        throw new UnreadableExport(
            description
                + " is not "
                + exportName
                + ": expected an object with a list '"
                + listField
                + "', found "
                + describe(first),
            null);
      }
      if (!readFields(true)) {
        throw new UnreadableExport(
            description + " is not " + exportName + ": it has no list '" + listField + "'", null);
      }
    }
  }

  /**
   * Reads fields of the top-level object, keeping those asked for: until the list field's array
   * opens (true), or to the end of the object (false).
   */
  private boolean readFields(boolean untilList) {
    for (JsonToken token = token(false); token != JsonToken.END_OBJECT; token = token(false)) {
      if (token == null) {
        throw new UnreadableExport(
            description + " ends unexpectedly: the file is truncated; download the export again",
            null);
      }
      String name = parser.currentName();
      JsonToken value = token(false);
      if (untilList && name.equals(listField)) {
        if (value != JsonToken.START_ARRAY) {
          throw new UnreadableExport(
              description
                  + " is not "
                  + exportName
                  + ": '"
                  + listField
                  + "' is "
                  + describe(value)
                  + ", not a list",
              null);
        }
        return true;
      }
      try {
        if (keptFields.contains(name)) {
          kept.put(name, JSON.readTree(parser));
        } else {
          parser.skipChildren();
        }
      } catch (JacksonException e) {
        throw failure(e, false);
      }
    }
    return false;
  }

  private String plural() {
    return itemName.endsWith("y")
        ? itemName.substring(0, itemName.length() - 1) + "ies"
        : itemName + "s";
  }

  private JsonToken token(boolean insideConversation) {
    try {
      return parser.nextToken();
    } catch (JacksonException e) {
      throw failure(e, insideConversation);
    }
  }

  private UnreadableExport failure(JacksonException e, boolean insideConversation) {
    String where =
        insideConversation
            ? "in " + itemName + " " + (count + 1)
            : count == 0 ? "before the first " + itemName : "after " + itemName + " " + count;
    if (e instanceof JacksonIOException) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof ZipException || cause instanceof EOFException) {
        return new UnreadableExport(
            description
                + " is damaged ("
                + (cause.getMessage() == null ? "it ends too soon" : cause.getMessage())
                + "), "
                + where
                + ": download the export again",
            e);
      }
      return new UnreadableExport(
          "cannot read " + description + " (" + cause.getMessage() + "), " + where, e);
    }
    String at =
        offset(
            e.getLocation() != null || parser == null ? e.getLocation() : parser.currentLocation());
    if (e instanceof UnexpectedEndOfInputException) {
      return new UnreadableExport(
          description
              + " ends unexpectedly at "
              + at
              + ", "
              + where
              + ": the file is truncated; download the export again",
          e);
    }
    return new UnreadableExport(
        description + " is not valid JSON at " + at + ", " + where + ": " + reason(e), e);
  }

  private static String reason(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    String line = message.lines().findFirst().orElse("").strip();
    return line.length() > 160 ? line.substring(0, 157) + "..." : line;
  }

  private static String offset(TokenStreamLocation location) {
    if (location == null || location == TokenStreamLocation.NA) {
      return "an unknown position";
    }
    long offset =
        location.getByteOffset() >= 0 ? location.getByteOffset() : location.getCharOffset();
    return "byte "
        + offset
        + " (line "
        + location.getLineNr()
        + ", column "
        + location.getColumnNr()
        + ")";
  }

  private static String describe(JsonToken token) {
    switch (token) {
      case START_OBJECT:
        return "a single object";
      case START_ARRAY:
        return "a list";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "true or false";
      case VALUE_NULL:
        return "null";
      default:
        return token.toString();
    }
  }

  @Override
  public void close() {
    parser.close();
  }
}
