package dev.memvault.sdk.portable.jsonl;

import static dev.memvault.sdk.portable.jsonl.JsonlFormat.BINARY_MEMBER;
import static dev.memvault.sdk.portable.jsonl.JsonlFormat.END_MEMBER;
import static dev.memvault.sdk.portable.jsonl.JsonlFormat.EXPORTED_AT_MEMBER;
import static dev.memvault.sdk.portable.jsonl.JsonlFormat.FORMAT;
import static dev.memvault.sdk.portable.jsonl.JsonlFormat.FORMAT_MEMBER;
import static dev.memvault.sdk.portable.jsonl.JsonlFormat.ID_MEMBER;
import static dev.memvault.sdk.portable.jsonl.JsonlFormat.MEMORIES_MEMBER;
import static dev.memvault.sdk.portable.jsonl.JsonlFormat.REVISIONS_MEMBER;
import static dev.memvault.sdk.portable.jsonl.JsonlFormat.VERSION_MEMBER;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes and reads the lines of a JSONL export: the header, one line per memory, the end line. The
 * binary form of each revision is authoritative; its JSON form is the readable view (see
 * docs/FORMAT.md, "JSONL files").
 */
final class RecordCodec {
  private static final Pattern CANONICAL_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern OTHER_MAJOR = Pattern.compile("memvault\\.v(\\d+)");

  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxStringLength(JsonlFormat.MAX_LINE_CHARS)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  /** What a line of the file is. */
  sealed interface Parsed permits Header, Record, End {}

  /** The first line: format and layout version. */
  record Header(int version) implements Parsed {}

  /** One memory with every revision, oldest first. */
  record Record(String id, List<Memory> revisions) implements Parsed {
    @Override
    public String toString() {
      return "Record[id=" + id + ", revisions=" + revisions.size() + "]";
    }
  }

  /** The last line: how many memory lines came before it. */
  record End(long memories) implements Parsed {}

  /** A line the reader cannot accept; the message completes "line N ...". */
  static final class BadLineException extends Exception {
    private static final long serialVersionUID = 1L;

    BadLineException(String message) {
      super(message);
    }
  }

  private RecordCodec() {}

  // ---------------------------------------------------------------- writing

  static String header(Instant exportedAt) {
    return write(
        generator -> {
          generator.writeStartObject();
          generator.writeStringProperty(FORMAT_MEMBER, FORMAT);
          generator.writeNumberProperty(VERSION_MEMBER, JsonlFormat.VERSION);
          generator.writeStringProperty(EXPORTED_AT_MEMBER, exportedAt.toString());
          generator.writeEndObject();
        });
  }

  /**
   * A memory line as layout version 2 writes it: each revision once, in its JSON form, and the
   * {@code binary} member only when the JSON form of a revision of the line loses something (a
   * field or a part this code does not know, which the binary form keeps byte for byte).
   */
  static String record(List<Memory> revisions) {
    List<String> json = new ArrayList<>(revisions.size());
    boolean lossless = true;
    for (Memory revision : revisions) {
      String text = json(revision);
      json.add(text);
      lossless = lossless && readsBackAs(text, revision);
    }
    return record(revisions, json, !lossless);
  }

  /** A memory line with {@code binary}, as layout version 1 wrote every line. */
  static String recordWithBinary(List<Memory> revisions) {
    return record(revisions, revisions.stream().map(RecordCodec::json).toList(), true);
  }

  /** True when the JSON form parses back to the very same revision, unknown fields included. */
  private static boolean readsBackAs(String json, Memory revision) {
    if (!revision.getUnknownFields().asMap().isEmpty()) {
      return false;
    }
    Memory.Builder parsed = Memory.newBuilder();
    try {
      PARSER.merge(json, parsed);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return false;
    }
    return parsed.build().equals(revision);
  }

  private static String record(List<Memory> revisions, List<String> json, boolean withBinary) {
    return write(
        generator -> {
          generator.writeStartObject();
          generator.writeStringProperty(ID_MEMBER, revisions.get(0).getId());
          generator.writeName(REVISIONS_MEMBER);
          generator.writeStartArray();
          for (String revision : json) {
            generator.writeRawValue(revision);
          }
          generator.writeEndArray();
          if (!withBinary) {
            generator.writeEndObject();
            return;
          }
          generator.writeName(BINARY_MEMBER);
          generator.writeStartArray();
          for (Memory revision : revisions) {
            generator.writeString(Base64.getEncoder().encodeToString(revision.toByteArray()));
          }
          generator.writeEndArray();
          generator.writeEndObject();
        });
  }

  static String end(long memories) {
    return write(
        generator -> {
          generator.writeStartObject();
          generator.writeBooleanProperty(END_MEMBER, true);
          generator.writeNumberProperty(MEMORIES_MEMBER, memories);
          generator.writeEndObject();
        });
  }

  private interface Body {
    void writeTo(JsonGenerator generator);
  }

  private static String write(Body body) {
    StringWriter text = new StringWriter();
    try (JsonGenerator generator = MAPPER.createGenerator(text)) {
      body.writeTo(generator);
    }
    return text.toString();
  }

  private static String json(Memory memory) {
    try {
      return PRINTER.print(memory);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields can fail to print, and Memory has none.
      throw new IllegalStateException("a memory could not be written as JSON", e);
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads the first line. The message of a failure completes "FILE ...".
   *
   * @throws BadLineException if it is not a header of a format this code reads
   */
  static Header parseHeader(String line) throws BadLineException {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JacksonException e) {
      node = null;
    }
    if (node == null || !node.isObject() || !stringMember(node, FORMAT_MEMBER)) {
      throw new BadLineException(
          "is not a memvault export: its first line is not a "
              + FORMAT
              + " header such as {\"format\":\""
              + FORMAT
              + "\",\"version\":1}");
    }
    String format = node.get(FORMAT_MEMBER).stringValue();
    if (!format.equals(FORMAT)) {
      Matcher other = OTHER_MAJOR.matcher(format);
      if (other.matches()) {
        throw new BadLineException(
            "is in format " + format + ", which this memvault cannot read; upgrade memvault");
      }
      throw new BadLineException("is not a memvault export: its format is '" + format + "'");
    }
    JsonNode version = node.get(VERSION_MEMBER);
    if (version == null
        || !version.isIntegralNumber()
        || !version.canConvertToInt()
        || version.intValue() < 1) {
      throw new BadLineException(
          "has a damaged header: \"version\" must be a whole number from 1 up");
    }
    return new Header(version.intValue());
  }

  /**
   * Reads a line after the header. The message of a failure completes "line N ...".
   *
   * @throws BadLineException if it is not valid JSON, or not a valid memory or end line
   */
  static Parsed parseLine(String line) throws BadLineException {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JacksonException e) {
      String column =
          e.getLocation() != null && e.getLocation().getColumnNr() > 0
              ? " at column " + e.getLocation().getColumnNr()
              : "";
      throw new BadLineException("is not valid JSON" + column + ": " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new BadLineException("is not a JSON object");
    }
    if (node.has(FORMAT_MEMBER)) {
      throw new BadLineException("is a second header; a file has one, on its first line");
    }
    if (node.has(END_MEMBER)) {
      return end(node);
    }
    if (!node.has(ID_MEMBER) && !node.has(REVISIONS_MEMBER)) {
      throw new BadLineException("is neither a memory (it has no \"id\") nor the end line");
    }
    return record(node);
  }

  private static End end(JsonNode node) throws BadLineException {
    JsonNode count = node.get(MEMORIES_MEMBER);
    if (!node.get(END_MEMBER).isBoolean()
        || !node.get(END_MEMBER).booleanValue()
        || count == null
        || !count.isIntegralNumber()
        || !count.canConvertToLong()
        || count.longValue() < 0) {
      throw new BadLineException("is a damaged end line: it must be {\"end\":true,\"memories\":N}");
    }
    return new End(count.longValue());
  }

  private static Record record(JsonNode node) throws BadLineException {
    if (!stringMember(node, ID_MEMBER)) {
      throw new BadLineException("has no \"id\": every memory line names its memory");
    }
    String id = node.get(ID_MEMBER).stringValue();
    if (!CANONICAL_ID.matcher(id).matches()) {
      throw new BadLineException(
          "has id '" + id + "', which is not a memory id (a UUID in lowercase, 36 characters)");
    }
    JsonNode revisions = node.get(REVISIONS_MEMBER);
    if (revisions == null || !revisions.isArray() || revisions.isEmpty()) {
      throw new BadLineException("(memory " + id + ") has no \"revisions\" array with entries");
    }
    JsonNode binary = node.get(BINARY_MEMBER);
    if (binary != null && (!binary.isArray() || binary.size() != revisions.size())) {
      throw new BadLineException(
          "(memory "
              + id
              + ") has a \"binary\" member that is not an array of one entry per revision");
    }
    List<Memory> memories = new ArrayList<>(revisions.size());
    for (int i = 0; i < revisions.size(); i++) {
      JsonNode readable = revisions.get(i);
      if (!readable.isObject()) {
        throw new BadLineException(
            "(memory " + id + ") has revisions entry " + (i + 1) + " that is not a JSON object");
      }
      memories.add(
          binary == null ? fromJson(id, i, readable) : fromBinary(id, i, binary.get(i), readable));
    }
    checkHistory(id, memories);
    return new Record(id, List.copyOf(memories));
  }

  private static Memory fromJson(String id, int index, JsonNode readable) throws BadLineException {
    Memory.Builder builder = Memory.newBuilder();
    try {
      PARSER.merge(readable.toString(), builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new BadLineException(
          "(memory "
              + id
              + ") has revisions entry "
              + (index + 1)
              + " that is not a valid memory: "
              + e.getMessage());
    }
    return builder.build();
  }

  private static Memory fromBinary(String id, int index, JsonNode encoded, JsonNode readable)
      throws BadLineException {
    String where = "(memory " + id + ") has binary entry " + (index + 1);
    if (!encoded.isString()) {
      throw new BadLineException(where + " that is not a base64 string");
    }
    Memory memory;
    try {
      memory = Memory.parseFrom(Base64.getDecoder().decode(encoded.stringValue()));
    } catch (IllegalArgumentException e) {
      throw new BadLineException(where + " that is not valid base64");
    } catch (InvalidProtocolBufferException e) {
      throw new BadLineException(where + " that is not a serialized Memory");
    }
    // The binary form wins; this check only catches a JSON view pasted next to another record.
    if (!memory.getId().equals(stringOr(readable, "id", memory.getId()))
        || !Long.toUnsignedString(memory.getRevision())
            .equals(stringOr(readable, "revision", Long.toUnsignedString(memory.getRevision())))) {
      throw new BadLineException(
          "(memory "
              + id
              + ") has revisions entry "
              + (index + 1)
              + " whose id or revision differs from its binary form");
    }
    return memory;
  }

  /** The rules a memory's history keeps (docs/FORMAT.md 3.2 and 3.3). */
  private static void checkHistory(String id, List<Memory> revisions) throws BadLineException {
    Memory first = revisions.get(0);
    if (first.getKind() == Kind.UNRECOGNIZED) {
      throw new BadLineException(
          "(memory "
              + id
              + ") has kind "
              + first.getKindValue()
              + ", which this version of memvault cannot store; upgrade memvault");
    }
    long previous = 0;
    for (int i = 0; i < revisions.size(); i++) {
      Memory revision = revisions.get(i);
      String where = "(memory " + id + ") has revisions entry " + (i + 1);
      if (!revision.getId().equals(id)) {
        throw new BadLineException(where + " with id '" + revision.getId() + "'");
      }
      if (revision.getDeleted()) {
        throw new BadLineException(where + " that is a tombstone; an export holds live memories");
      }
      if (!revision.getScope().equals(first.getScope())
          || revision.getKindValue() != first.getKindValue()
          || !revision.getCreatedAt().equals(first.getCreatedAt())) {
        throw new BadLineException(
            where + " that changes the scope, kind or created_at, which never change");
      }
      if (Long.compareUnsigned(revision.getRevision(), previous) <= 0) {
        throw new BadLineException(
            where
                + " with revision "
                + Long.toUnsignedString(revision.getRevision())
                + " after "
                + previous
                + "; revisions are listed oldest first and increase");
      }
      previous = revision.getRevision();
    }
  }

  private static boolean stringMember(JsonNode node, String name) {
    JsonNode member = node.get(name);
    return member != null && member.isString();
  }

  /** A member given as a string or a whole number, as text; {@code fallback} when absent. */
  private static String stringOr(JsonNode node, String name, String fallback) {
    JsonNode member = node.get(name);
    if (member == null) {
      return fallback;
    }
    if (member.isIntegralNumber()) {
      return member.bigIntegerValue().toString();
    }
    return member.isString() ? member.stringValue() : "";
  }
}
