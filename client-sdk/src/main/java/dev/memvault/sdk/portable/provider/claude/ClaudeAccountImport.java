package dev.memvault.sdk.portable.provider.claude;

import static dev.memvault.sdk.portable.provider.internal.JsonFields.array;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.flag;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.isoTime;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.object;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.string;
import static dev.memvault.sdk.portable.provider.internal.JsonFields.stringOrEmpty;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.sdk.portable.provider.internal.ConversationProblem;
import dev.memvault.sdk.portable.provider.internal.ConversationReader;
import dev.memvault.sdk.portable.provider.internal.ExportInput;
import dev.memvault.sdk.portable.provider.internal.ImportTally;
import dev.memvault.sdk.portable.provider.internal.ImportedMemory;
import dev.memvault.sdk.portable.provider.internal.MemoryWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Imports what a Claude export holds besides conversations: its projects ({@code projects.json})
 * and what Claude remembered about the person ({@code memories.json}); docs/FORMAT.md, section 4.2.
 *
 * <p>Each project, and each account's memories, is written in one transaction: whole or, when the
 * file describes it badly, not at all (listed in the summary's failures). Both files are read one
 * item at a time.
 */
public final class ClaudeAccountImport {
  static final String PROJECT_ATTRIBUTE = "claude_project";
  static final String PROJECT_UUID_ATTRIBUTE = "claude_project_uuid";

  private final MemoryWriter writer;
  private final String exportName;
  private final ImportTally tally;
  private final Map<String, String> projectNames = new HashMap<>();

  public ClaudeAccountImport(MemoryWriter writer, String exportName, ImportTally tally) {
    this.writer = writer;
    this.exportName = exportName;
    this.tally = tally;
  }

  /** Each project's description, instructions ({@code prompt_template}) and documents. */
  public void projects(ExportInput input) {
    try (ConversationReader reader =
        ConversationReader.ofItems(input.stream(), input.description(), exportName, "project")) {
      for (JsonNode node = reader.next(); node != null; node = reader.next()) {
        JsonNode project = node;
        tally.projectRead();
        String id = project.path("uuid").asString("");
        write("project", reader.count(), id, () -> project(project));
      }
    }
  }

  /** The account's memory block, and each project's. */
  public void memories(ExportInput input) {
    try (ConversationReader reader =
        ConversationReader.ofItems(
            input.stream(), input.description(), exportName, "memory block")) {
      for (JsonNode node = reader.next(); node != null; node = reader.next()) {
        JsonNode block = node;
        String id = block.path("account_uuid").asString("");
        write("memory block", reader.count(), id, () -> memories(block));
      }
    }
  }

  private interface Mapping {
    List<ImportedMemory> map();
  }

  private void write(String item, int number, String id, Mapping mapping) {
    try {
      tally.add(writer.write(mapping.map()));
    } catch (ConversationProblem | VaultException.InvalidInput e) {
      tally.fail(item, number, id, e.getMessage());
    }
  }

  private List<ImportedMemory> project(JsonNode project) {
    if (!project.isObject()) {
      throw new ConversationProblem("is not an object");
    }
    String uuid = stringOrEmpty(project, "uuid", "");
    if (uuid.isEmpty()) {
      throw new ConversationProblem("has no 'uuid'");
    }
    String name = stringOrEmpty(project, "name", "").strip();
    Instant created = isoTime(project, "created_at", "");
    Instant updated = isoTime(project, "updated_at", "");
    List<ImportedMemory> memories = new ArrayList<>();
    if (flag(project, "is_starter_project", "")) {
      // Anthropic's sample project, the same for everyone: nothing about the person.
      return memories;
    }
    projectNames.put(uuid, name);
    Map<String, String> about = projectAttributes(uuid, name);
    String description = stringOrEmpty(project, "description", "").strip();
    String heading = name.isEmpty() ? "Claude project" : "Claude project \"" + name + "\"";
    memories.add(
        new ImportedMemory(
            "project/" + uuid,
            Kind.NOTE,
            description.isEmpty() ? heading : heading + ": " + description,
            with(about, "claude_project_field", "description"),
            created,
            updated,
            true));
    String instructions = stringOrEmpty(project, "prompt_template", "").strip();
    if (!instructions.isEmpty()) {
      memories.add(
          new ImportedMemory(
              "project/" + uuid + "/prompt_template",
              Kind.INSTRUCTION,
              instructions,
              with(about, "claude_project_field", "prompt_template"),
              created,
              updated,
              true));
    }
    JsonNode docs = array(project, "docs", "");
    if (docs != null) {
      int index = 0;
      for (JsonNode doc : docs) {
        String path = "docs[" + index++ + "]";
        if (!doc.isObject()) {
          throw new ConversationProblem(path + " is not an object");
        }
        String content = stringOrEmpty(doc, "content", path);
        if (content.isBlank()) {
          continue;
        }
        String fileName = stringOrEmpty(doc, "filename", path);
        String docId = stringOrEmpty(doc, "uuid", path);
        if (docId.isEmpty()) {
          docId = fileName.isEmpty() ? ImportedMemory.digest(content) : fileName;
        }
        Instant at = isoTime(doc, "created_at", path);
        memories.add(
            new ImportedMemory(
                "project/" + uuid + "/doc/" + docId,
                Kind.NOTE,
                content,
                with(with(about, "claude_project_field", "docs"), "file_name", fileName),
                at != null ? at : created,
                at != null ? at : updated,
                true));
      }
    }
    return memories;
  }

  private List<ImportedMemory> memories(JsonNode block) {
    if (!block.isObject()) {
      throw new ConversationProblem("is not an object");
    }
    Map<String, ImportedMemory> memories = new LinkedHashMap<>();
    String account = string(block, "conversations_memory", "");
    if (account != null) {
      for (MemoryText.Piece piece : MemoryText.split(account)) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("claude_memory", "conversations_memory");
        add(memories, "memory/", piece, attributes);
      }
    }
    JsonNode projects = object(block, "project_memories", "");
    if (projects != null) {
      for (Map.Entry<String, JsonNode> entry : projects.properties()) {
        String uuid = entry.getKey();
        JsonNode text = entry.getValue();
        if (!text.isString()) {
          throw new ConversationProblem("project_memories." + uuid + " is not a string");
        }
        for (MemoryText.Piece piece : MemoryText.split(text.stringValue())) {
          Map<String, String> attributes =
              projectAttributes(uuid, projectNames.getOrDefault(uuid, ""));
          attributes.put("claude_memory", "project_memories");
          add(memories, "project/" + uuid + "/memory/", piece, attributes);
        }
      }
    }
    return List.copyOf(memories.values());
  }

  /**
   * A piece has no id in the export: its id is derived from its text, so the same sentence in a
   * later export is the same memory, and a changed sentence a new one.
   */
  private static void add(
      Map<String, ImportedMemory> memories,
      String prefix,
      MemoryText.Piece piece,
      Map<String, String> attributes) {
    if (!piece.section().isEmpty()) {
      attributes.put("section", piece.section());
    }
    String id = prefix + ImportedMemory.digest(piece.text());
    memories.putIfAbsent(
        id, new ImportedMemory(id, piece.kind(), piece.text(), attributes, null, null, false));
  }

  private static Map<String, String> projectAttributes(String uuid, String name) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put(PROJECT_UUID_ATTRIBUTE, uuid);
    if (!name.isEmpty()) {
      attributes.put(PROJECT_ATTRIBUTE, name);
    }
    return attributes;
  }

  private static Map<String, String> with(
      Map<String, String> attributes, String key, String value) {
    Map<String, String> copy = new HashMap<>(attributes);
    if (!value.isEmpty()) {
      copy.put(key, value);
    }
    return copy;
  }
}
