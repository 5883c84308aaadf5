package dev.memvault.sdk.portable.provider.gemini;

import static dev.memvault.sdk.portable.provider.internal.JsonFields.array;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.isoTime;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.object;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.string;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.stringOrEmpty;

import dev.memvault.sdk.portable.provider.internal.ConversationProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One entry of Google Takeout's activity log for Gemini Apps ({@code MyActivity.json}): the
 * exchanges (a prompt and its answer) it records, the time, and the conversation it belongs to.
 *
 * <p>Two shapes hold the exchanges: {@code details[{name: Request|Response, value}]}, and {@code
 * userInteractions[].userInteraction.{request, response}}, each a JSON string of {@code [{text}]}.
 * An entry with neither, but a title {@code Prompted <prompt>}, is a prompt without its answer.
 *
 * @param conversationId the last path segment of {@code titleUrl}, or null when it has none
 * @param timeText the entry's {@code time} exactly as the export writes it: part of its messages'
 *     ids, so that they are the same in every export
 */
record GeminiEntry(String conversationId, String timeText, Instant time, List<Exchange> exchanges) {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PROMPTED = "Prompted ";

  /** A prompt and its answer; either may be "". */
  record Exchange(String request, String response) {}

  /** The product an entry records, such as "Gemini Apps" or "Search". */
  static String product(JsonNode entry) {
    JsonNode products = entry.get("products");
    if (products != null && products.isArray() && !products.isEmpty()) {
      return products.get(0).asString("");
    }
    return entry.path("header").asString("");
  }

  static boolean isGemini(JsonNode entry) {
    JsonNode products = entry.get("products");
    if (products != null && products.isArray()) {
      for (JsonNode product : products) {
        if (product.asString("").toLowerCase(Locale.ROOT).contains("gemini")) {
          return true;
        }
      }
    }
    return entry.path("header").asString("").toLowerCase(Locale.ROOT).contains("gemini");
  }

  /**
   * @throws ConversationProblem if a field has the wrong type, or the entry has no time
   */
  static GeminiEntry of(JsonNode entry) {
    if (!entry.isObject()) {
      throw new ConversationProblem("is not an object");
    }
    if (!isGemini(entry)) {
      throw new ConversationProblem("is activity of '" + product(entry) + "', not of Gemini Apps");
    }
    String timeText = string(entry, "time", "");
    Instant time = isoTime(entry, "time", "");
    if (time == null) {
      throw new ConversationProblem("has no 'time'");
    }
    return new GeminiEntry(
        conversationId(string(entry, "titleUrl", "")), timeText.strip(), time, exchanges(entry));
  }

  private static String conversationId(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    String path;
    try {
      path = new URI(url.strip()).getPath();
    } catch (URISyntaxException e) {
      throw new ConversationProblem("titleUrl is not a link: '" + url + "'");
    }
    if (path == null) {
      return null;
    }
    String[] segments = path.split("/");
    for (int i = segments.length - 1; i >= 0; i--) {
      if (!segments[i].isBlank()) {
        return segments[i];
      }
    }
    return null;
  }

  private static List<Exchange> exchanges(JsonNode entry) {
    List<Exchange> exchanges = new ArrayList<>();
    JsonNode details = array(entry, "details", "");
    if (details != null) {
      StringBuilder request = new StringBuilder();
      StringBuilder response = new StringBuilder();
      int index = 0;
      for (JsonNode detail : details) {
        String path = "details[" + index++ + "]";
        if (!detail.isObject()) {
          throw new ConversationProblem(path + " is not an object");
        }
        String name = stringOrEmpty(detail, "name", path);
        String value = stringOrEmpty(detail, "value", path);
        if (name.equalsIgnoreCase("Request")) {
          append(request, value);
        } else if (name.equalsIgnoreCase("Response")) {
          append(response, value);
        }
      }
      add(exchanges, request.toString(), response.toString());
    }
    JsonNode interactions = array(entry, "userInteractions", "");
    if (interactions != null) {
      int index = 0;
      for (JsonNode interaction : interactions) {
        String path = "userInteractions[" + index++ + "]";
        if (!interaction.isObject()) {
          throw new ConversationProblem(path + " is not an object");
        }
        JsonNode inner = object(interaction, "userInteraction", path);
        if (inner == null) {
          continue;
        }
        String at = path + ".userInteraction";
        add(
            exchanges,
            texts(stringOrEmpty(inner, "request", at), at + ".request"),
            texts(stringOrEmpty(inner, "response", at), at + ".response"));
      }
    }
    String title = stringOrEmpty(entry, "title", "");
    if (exchanges.isEmpty() && title.startsWith(PROMPTED)) {
      add(exchanges, title.substring(PROMPTED.length()), "");
    }
    return exchanges;
  }

  private static void add(List<Exchange> exchanges, String request, String response) {
    if (!request.isBlank() || !response.isBlank()) {
      exchanges.add(new Exchange(request.strip(), response.strip()));
    }
  }

  private static void append(StringBuilder text, String value) {
    if (!value.isBlank()) {
      text.append(text.length() == 0 ? "" : "\n").append(value);
    }
  }

  /** The {@code text} members of a JSON string holding {@code [{text}]}, joined by lines. */
  private static String texts(String json, String path) {
    if (json.isBlank()) {
      return "";
    }
    JsonNode parsed;
    try {
      parsed = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new ConversationProblem(path + " is not a JSON list of texts");
    }
    if (parsed.isString()) {
      return parsed.stringValue();
    }
    if (!parsed.isArray()) {
      throw new ConversationProblem(path + " is not a JSON list of texts");
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode item : parsed) {
      if (item.isObject()) {
        append(text, item.path("text").asString(""));
      } else if (item.isString()) {
        append(text, item.stringValue());
      }
    }
    return text.toString();
  }
}
