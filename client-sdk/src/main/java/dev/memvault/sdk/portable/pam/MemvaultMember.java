package dev.memvault.sdk.portable.pam;

import dev.memvault.core.vault.Uuid7;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Link;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The {@code memvault} member that a memvault export puts in a memory's {@code metadata} (or a
 * conversation's or message's {@code raw_metadata}), read back: what PAM has no field for. A file
 * edited by hand or written by another tool may carry a damaged one; what does not pass is left
 * out, and the importer falls back on the PAM fields.
 */
record MemvaultMember(
    String id,
    String scope,
    Kind kind,
    long revision,
    List<String> tags,
    Map<String, String> attributes,
    Source source,
    List<Link> links,
    JsonNode node) {

  private static final Pattern SCOPE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern MEMVAULT_TAG = Pattern.compile("[^\\s\\p{Cntrl}]{1,64}");

  /**
   * The member of a memory object, conversation or message {@code id}, when it has one that names a
   * memvault id; {@code block} is its {@code metadata} or {@code raw_metadata}.
   */
  static Optional<MemvaultMember> of(String id, JsonNode block) {
    if (block == null || !block.isObject()) {
      return Optional.empty();
    }
    JsonNode member = block.get(PamFormat.MEMVAULT_MEMBER);
    if (member == null || !member.isObject()) {
      return Optional.empty();
    }
    String canonical;
    try {
      canonical = Uuid7.parse(id).toString();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String scope = PamStore.text(member, "scope");
    Kind kind = kind(PamStore.text(member, "kind"));
    if (scope == null || !SCOPE.matcher(scope).matches() || kind == null) {
      return Optional.empty();
    }
    JsonNode revision = member.get("revision");
    long revisionNumber =
        revision != null && revision.isIntegralNumber() && revision.longValue() > 0
            ? revision.longValue()
            : 1;
    List<String> tags = new ArrayList<>();
    for (JsonNode tag : member.path("tags")) {
      if (tag.isString() && MEMVAULT_TAG.matcher(tag.stringValue()).matches()) {
        tags.add(tag.stringValue());
      }
    }
    Map<String, String> attributes = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : member.path("attributes").properties()) {
      if (entry.getValue().isString()) {
        attributes.put(entry.getKey(), entry.getValue().stringValue());
      }
    }
    JsonNode sourceNode = member.path("source");
    Source source =
        Source.newBuilder()
            .setProvider(sourceNode.path("provider").asString(""))
            .setModel(sourceNode.path("model").asString(""))
            .setApp(sourceNode.path("app").asString(""))
            .setExternalId(sourceNode.path("external_id").asString(""))
            .build();
    List<Link> links = new ArrayList<>();
    for (JsonNode link : member.path("links")) {
      String target = link.path("target_id").asString("");
      String relation = link.path("relation").asString("");
      if (!target.isEmpty()) {
        links.add(Link.newBuilder().setTargetId(target).setRelation(relation).build());
      }
    }
    return Optional.of(
        new MemvaultMember(
            canonical,
            scope,
            kind,
            revisionNumber,
            List.copyOf(tags),
            attributes,
            source,
            List.copyOf(links),
            member));
  }

  private static Kind kind(String name) {
    if (name == null) {
      return null;
    }
    try {
      Kind kind = Kind.valueOf(name);
      return kind == Kind.KIND_UNSPECIFIED || kind == Kind.UNRECOGNIZED ? null : kind;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The memory this member describes, with the given text and times, at its revision. */
  Memory.Builder memory(String text, java.time.Instant created, java.time.Instant updated) {
    Memory.Builder memory =
        Memory.newBuilder()
            .setId(id)
            .setScope(scope)
            .setKind(kind)
            .setText(text)
            .addAllTags(tags)
            .putAllAttributes(attributes)
            .addAllLinks(links)
            .setCreatedAt(Timestamps.of(created))
            .setUpdatedAt(Timestamps.of(Timestamps.notBefore(created, updated)))
            .setRevision(revision);
    // An empty source is no source: the memory had none.
    if (!source.equals(Source.getDefaultInstance())) {
      memory.setSource(source);
    }
    return memory;
  }
}
