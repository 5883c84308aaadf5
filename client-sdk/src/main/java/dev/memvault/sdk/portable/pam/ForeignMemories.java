package dev.memvault.sdk.portable.pam;

import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns a PAM memory object that memvault did not write into a memvault memory: its type becomes a
 * kind ({@link PamTypes}), its provenance the source, and every field memvault has no place for an
 * attribute named {@code pam.<field>}, so that nothing the file says is lost.
 *
 * <p>The source is keyed by the content hash ({@code Source.external_id}), which makes the import
 * idempotent by content: the same text from the same platform is one memory, whichever export or id
 * it comes with.
 */
final class ForeignMemories {
  private static final Pattern MEMVAULT_TAG = Pattern.compile("[^\\s\\p{Cntrl}]{1,64}");
  private static final Set<String> KNOWN_METADATA = Set.of("language", "domain");

  private ForeignMemories() {}

  static Memory.Builder draft(PamStore.StoreMemory memory, String id, String scope, String app) {
    JsonNode node = memory.node();
    Map<String, String> attributes = new TreeMap<>();
    attributes.put("pam.id", memory.id());
    attributes.put(PamTypes.TYPE_ATTRIBUTE, memory.type());
    put(attributes, PamTypes.CUSTOM_TYPE_ATTRIBUTE, node.get("custom_type"));
    if (!memory.status().equals("active")) {
      attributes.put(PamTypes.STATUS_ATTRIBUTE, memory.status());
    }
    put(attributes, "pam.summary", node.get("summary"));
    JsonNode confidence = node.get("confidence");
    if (confidence != null && confidence.isObject()) {
      put(attributes, "pam.confidence", confidence.get("current"));
      put(attributes, "pam.confidence_decay_model", confidence.get("decay_model"));
    }
    JsonNode temporal = node.get("temporal");
    put(attributes, "pam.valid_from", temporal.get("valid_from"));
    put(attributes, "pam.valid_until", temporal.get("valid_until"));
    put(attributes, "pam.superseded_by", temporal.get("superseded_by"));
    JsonNode provenance = node.get("provenance");
    for (String field :
        new String[] {
          "platform_user_id",
          "conversation_ref",
          "message_ref",
          "extraction_method",
          "extracted_at",
          "extractor"
        }) {
      put(attributes, "pam." + field, provenance.get(field));
    }
    JsonNode access = node.get("access");
    if (access != null && access.isObject()) {
      put(attributes, "pam.visibility", access.get("visibility"));
    }
    JsonNode metadata = node.get("metadata");
    if (metadata != null && metadata.isObject()) {
      put(attributes, "pam.language", metadata.get("language"));
      put(attributes, "pam.domain", metadata.get("domain"));
      for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
        if (!KNOWN_METADATA.contains(entry.getKey())) {
          put(attributes, "pam.metadata." + entry.getKey(), entry.getValue());
        }
      }
    }
    Memory.Builder draft =
        Memory.newBuilder()
            .setId(id)
            .setScope(scope)
            .setKind(PamTypes.kind(memory.type()))
            .setText(memory.content())
            .putAllAttributes(attributes)
            .setSource(
                Source.newBuilder()
                    .setProvider(memory.platform())
                    .setApp(app)
                    .setExternalId(memory.contentHash()))
            .setCreatedAt(Timestamps.of(memory.createdAt()))
            .setUpdatedAt(
                Timestamps.of(Timestamps.notBefore(memory.createdAt(), memory.updatedAt())));
    for (JsonNode tag : node.path("tags")) {
      String text = tag.stringValue();
      if (MEMVAULT_TAG.matcher(text).matches() && !draft.getTagsList().contains(text)) {
        draft.addTags(text);
      }
    }
    return draft;
  }

  /** Puts a string as it is and any other non-null JSON value as its JSON text. */
  private static void put(Map<String, String> attributes, String name, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    String text = value.isString() ? value.stringValue() : value.toString();
    if (!text.isEmpty()) {
      attributes.put(name, text);
    }
  }
}
