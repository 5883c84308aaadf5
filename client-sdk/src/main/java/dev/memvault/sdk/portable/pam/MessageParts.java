package dev.memvault.sdk.portable.pam;

import dev.memvault.proto.v1.Part;
import dev.memvault.proto.v1.PartType;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A PAM message of another tool as memvault parts: its text (or, multipart, its text, code and file
 * parts) as {@code TEXT} parts, or {@code THINKING} when it {@code is_thought}; its attachments as
 * {@code ATTACHMENT}, its tool calls as {@code TOOL_USE} and {@code TOOL_RESULT}, its citations as
 * {@code CITATION} parts.
 */
final class MessageParts {
  private MessageParts() {}

  /** The parts of PAM message {@code message}. */
  static List<Part> fromPam(JsonNode message) {
    boolean thought = message.path("is_thought").asBoolean(false);
    PartType textType = thought ? PartType.THINKING : PartType.TEXT;
    List<Part> parts = new ArrayList<>();
    JsonNode content = message.path("content");
    if ("multipart".equals(PamStore.text(content, "type"))) {
      for (JsonNode part : content.path("parts")) {
        String type = part.path("type").asString("");
        String text = part.path("text").asString("");
        switch (type) {
          case "text" -> parts.add(Part.newBuilder().setType(textType).setText(text).build());
          case "code" ->
              parts.add(
                  Part.newBuilder()
                      .setType(PartType.CODE)
                      .setText(text)
                      .setName(part.path("language").asString(""))
                      .build());
          default ->
              parts.add(
                  Part.newBuilder()
                      .setType(type.equals("file") ? PartType.ATTACHMENT : PartType.ASSET)
                      .setText(text)
                      .setFileName(part.path("ref").asString(""))
                      .setMediaType(part.path("mime_type").asString(""))
                      .build());
        }
      }
    } else {
      String text = content.path("text").asString("");
      if (!text.isEmpty()) {
        parts.add(Part.newBuilder().setType(textType).setText(text).build());
      }
    }
    for (JsonNode attachment : message.path("attachments")) {
      parts.add(
          Part.newBuilder()
              .setType(PartType.ATTACHMENT)
              .setFileName(attachment.path("name").asString(""))
              .setMediaType(attachment.path("mime_type").asString(""))
              .setSizeBytes(Math.max(0, attachment.path("size_bytes").asLong(0)))
              .build());
    }
    for (JsonNode call : message.path("tool_calls")) {
      String toolName = call.path("name").asString("");
      JsonNode input = call.path("input");
      if (!input.isMissingNode() && !input.isNull()) {
        parts.add(
            Part.newBuilder()
                .setType(PartType.TOOL_USE)
                .setName(toolName)
                .setInputJson(input.isString() ? input.stringValue() : input.toString())
                .build());
      }
      String output = call.path("output").asString("");
      if (!output.isEmpty()) {
        parts.add(
            Part.newBuilder()
                .setType(PartType.TOOL_RESULT)
                .setName(toolName)
                .setText(output)
                .build());
      }
    }
    for (JsonNode citation : message.path("citations")) {
      parts.add(
          Part.newBuilder()
              .setType(PartType.CITATION)
              .setUrl(citation.path("url").asString(""))
              .setName(citation.path("title").asString(""))
              .setText(citation.path("snippet").asString(""))
              .build());
    }
    return parts;
  }
}
