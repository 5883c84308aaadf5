package dev.memvault.sdk.portable.pam;

import com.google.protobuf.Timestamp;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The pieces of a memory that PAM writes the same way in a memory store and a conversation. */
final class Json {
  private Json() {}

  static ObjectNode object() {
    return PamFormat.MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return PamFormat.MAPPER.createArrayNode();
  }

  static String time(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString();
  }

  static String nullIfEmpty(String text) {
    return text.isEmpty() ? null : text;
  }

  /**
   * The PAM platform of a memvault source: the provider's name when it is a valid PAM platform
   * identifier (lowercase ASCII, 2 to 32 characters), else the name made into one.
   */
  static String platform(Source source) {
    String provider = source.getProvider();
    if (PamFormat.PLATFORM.matcher(provider).matches()) {
      return provider;
    }
    String cleaned = provider.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    if (cleaned.length() > 32) {
      cleaned = cleaned.substring(0, 32);
    }
    return cleaned.length() < 2 ? "local" : cleaned;
  }

  /**
   * The tags PAM can hold: each lowercased, those that then match PAM's tag pattern, once each.
   * memvault allows more (any 1 to 64 characters without spaces); the exact list travels in the
   * {@code memvault} member.
   */
  static ArrayNode pamTags(Collection<String> tags) {
    Set<String> kept = new LinkedHashSet<>();
    for (String tag : tags) {
      String lower = tag.toLowerCase(Locale.ROOT);
      if (PamFormat.TAG.matcher(lower).matches()) {
        kept.add(lower);
      }
    }
    ArrayNode array = array();
    kept.forEach(array::add);
    return array;
  }

  /** What PAM has no field for: the exact scope, kind, tags, attributes, source and links. */
  static ObjectNode memvaultMember(Memory memory) {
    ObjectNode member = object();
    member.put("scope", memory.getScope());
    member.put("kind", memory.getKind().name());
    member.put("revision", memory.getRevision());
    member.put("updated_at", time(memory.getUpdatedAt()));
    ArrayNode tags = member.putArray("tags");
    memory.getTagsList().forEach(tags::add);
    ObjectNode attributes = member.putObject("attributes");
    new TreeMap<>(memory.getAttributesMap()).forEach(attributes::put);
    ObjectNode source = member.putObject("source");
    source.put("provider", memory.getSource().getProvider());
    source.put("model", memory.getSource().getModel());
    source.put("app", memory.getSource().getApp());
    source.put("external_id", memory.getSource().getExternalId());
    ArrayNode links = member.putArray("links");
    for (Link link : memory.getLinksList()) {
      links.addObject().put("target_id", link.getTargetId()).put("relation", link.getRelation());
    }
    return member;
  }

  static Map<String, String> sorted(Map<String, String> map) {
    return new TreeMap<>(map);
  }
}
