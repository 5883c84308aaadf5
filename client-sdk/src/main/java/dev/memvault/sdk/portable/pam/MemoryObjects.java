package dev.memvault.sdk.portable.pam;

import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/** Writes a memvault memory (not a conversation or message) as a PAM memory object. */
final class MemoryObjects {
  /** memvault's link relations that are PAM relation types, spelled with '-' instead of '_'. */
  private static final Map<String, String> RELATIONS =
      Map.of(
          "supports", "supports",
          "contradicts", "contradicts",
          "extends", "extends",
          "supersedes", "supersedes",
          "related-to", "related_to",
          "derived-from", "derived_from");

  private static final Set<String> METHODS =
      Set.of("llm_inference", "explicit_user_input", "api_export", "browser_extraction", "manual");
  private static final Pattern ANY = Pattern.compile("(?s).+");
  private static final Pattern SYSTEM = Pattern.compile("[a-zA-Z0-9_-]+/[0-9]+\\.[0-9]+\\.[0-9]+");
  private static final Pattern LANGUAGE =
      Pattern.compile("[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?");
  private static final Set<String> KEPT_STATUSES = Set.of("superseded", "deprecated", "archived");

  private MemoryObjects() {}

  /**
   * The memory object of {@code memory}.
   *
   * @param conversationRef the exported conversation the memory links to, or null
   */
  static ObjectNode toPam(Memory memory, String conversationRef) {
    PamTypes.PamType type = PamTypes.of(memory);
    ObjectNode object = Json.object();
    object.put("id", memory.getId());
    object.put("type", type.type());
    object.put("custom_type", type.customType());
    object.put("status", status(memory));
    object.put("content", memory.getText());
    object.put("content_hash", ContentHash.of(memory.getText()));
    object.put("summary", attribute(memory, "pam.summary", ANY));
    object.set("tags", Json.pamTags(memory.getTagsList()));
    ObjectNode temporal = object.putObject("temporal");
    temporal.put("created_at", Json.time(memory.getCreatedAt()));
    temporal.put("updated_at", Json.time(memory.getUpdatedAt()));
    temporal.put("valid_from", time(memory, "pam.valid_from"));
    temporal.put("valid_until", time(memory, "pam.valid_until"));
    temporal.putNull("superseded_by");
    ObjectNode provenance = object.putObject("provenance");
    provenance.put("platform", Json.platform(memory.getSource()));
    provenance.putNull("platform_user_id");
    provenance.put("conversation_ref", conversationRef);
    provenance.putNull("message_ref");
    provenance.put("extraction_method", extractionMethod(memory));
    provenance.put("extracted_at", time(memory, "pam.extracted_at"));
    provenance.put("extractor", attribute(memory, "pam.extractor", SYSTEM));
    object.putNull("embedding_ref");
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("language", attribute(memory, "pam.language", LANGUAGE));
    String domain = attribute(memory, "pam.domain", ANY);
    metadata.put("domain", domain == null ? memory.getScope() : domain);
    metadata.set(PamFormat.MEMVAULT_MEMBER, Json.memvaultMember(memory));
    return object;
  }

  /**
   * {@code active}, or the status a memory was imported with when it is one a live memory may have:
   * a retracted memory is not imported, and a forgotten one is not exported.
   */
  private static String status(Memory memory) {
    String imported = memory.getAttributesMap().getOrDefault(PamTypes.STATUS_ATTRIBUTE, "");
    return KEPT_STATUSES.contains(imported) ? imported : "active";
  }

  /**
   * The value of attribute {@code name}, which an import from PAM keeps a field in, when it still
   * matches the field's rule; else null.
   */
  private static String attribute(Memory memory, String name, Pattern rule) {
    String value = memory.getAttributesMap().get(name);
    return value != null && !value.isEmpty() && rule.matcher(value).matches() ? value : null;
  }

  /** A date-time attribute, when it still reads as one. */
  private static String time(Memory memory, String name) {
    String value = attribute(memory, name, ANY);
    try {
      if (value != null) {
        OffsetDateTime.parse(value);
      }
      return value;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * What a person typed into memvault is manual; what came from another tool's PAM export keeps its
   * method; the rest came from an assistant's export.
   */
  private static String extractionMethod(Memory memory) {
    String imported = attribute(memory, "pam.extraction_method", ANY);
    if (imported != null && METHODS.contains(imported)) {
      return imported;
    }
    String provider = memory.getSource().getProvider();
    return provider.isEmpty() || provider.equals("memvault") ? "manual" : "api_export";
  }

  /** The PAM relation type of a link, or null when PAM has none for it. */
  static String relationType(Link link) {
    return RELATIONS.get(link.getRelation().toLowerCase(Locale.ROOT).replace('_', '-'));
  }
}
