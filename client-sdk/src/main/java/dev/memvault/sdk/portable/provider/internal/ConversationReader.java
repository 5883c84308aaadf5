package dev.memvault.sdk.portable.provider.internal;

import java.io.InputStream;
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
 * Reads the top-level JSON array of a {@code conversations.json} one conversation at a time: only
 * the conversation being read is in memory, so an export of any size imports in a small, fixed
 * heap.
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
  private int count;
  private boolean started;
  private boolean finished;

  /**
   * @param description how to name the input in messages, such as "conversations.json in x.zip"
   * @param exportName what the input should be, such as "a ChatGPT data export"
   */
  public ConversationReader(InputStream in, String description, String exportName) {
    this.parser = JSON.createParser(in);
    this.description = description;
    this.exportName = exportName;
  }

  /**
   * The next conversation (a JSON value, normally an object), or null after the last.
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
      if (token(false) != null) {
        throw new UnreadableExport(
            description
                + " has unexpected content after the list of conversations, at "
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

  /** Conversations returned so far. */
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
      throw new UnreadableExport(
          description + " is empty; expected the conversations.json of " + exportName, null);
    }
    if (first != JsonToken.START_ARRAY) {
      throw new UnreadableExport(
          description
              + " is not "
              + exportName
              + ": expected a list of conversations, found "
              + describe(first),
          null);
    }
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
            ? "in conversation " + (count + 1)
            : count == 0 ? "before the first conversation" : "after conversation " + count;
    if (e instanceof JacksonIOException) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new UnreadableExport(
          "cannot read " + description + " (" + cause.getMessage() + "), " + where, e);
    }
    String at = offset(e.getLocation() == null ? parser.currentLocation() : e.getLocation());
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
