package dev.memvault.sdk.portable.pam;

import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.util.Map;
import java.util.Set;

/**
 * How memvault's kinds and PAM's closed taxonomy of memory types map to each other. PAM's taxonomy
 * is finer than memvault's kinds; the PAM type of an imported memory is kept in its {@value
 * #TYPE_ATTRIBUTE} attribute, so that it goes out again as it came in.
 */
final class PamTypes {
  static final String TYPE_ATTRIBUTE = "pam.type";
  static final String CUSTOM_TYPE_ATTRIBUTE = "pam.custom_type";
  static final String STATUS_ATTRIBUTE = "pam.status";
  static final String CUSTOM = "custom";
  static final String NOTE_CUSTOM_TYPE = "note";

  static final Set<String> TYPES =
      Set.of(
          "fact",
          "preference",
          "skill",
          "context",
          "relationship",
          "goal",
          "instruction",
          "identity",
          "environment",
          "project",
          CUSTOM);

  /**
   * What each PAM type becomes: what is true of the person is a fact, how they want to be served a
   * preference or instruction, what they are doing (goals, projects) a note.
   */
  private static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry("fact", Kind.FACT),
          Map.entry("skill", Kind.FACT),
          Map.entry("context", Kind.FACT),
          Map.entry("relationship", Kind.FACT),
          Map.entry("identity", Kind.FACT),
          Map.entry("environment", Kind.FACT),
          Map.entry("preference", Kind.PREFERENCE),
          Map.entry("instruction", Kind.INSTRUCTION),
          Map.entry("goal", Kind.NOTE),
          Map.entry("project", Kind.NOTE),
          Map.entry(CUSTOM, Kind.NOTE));

  /** A PAM {@code type} and, for {@code custom}, its {@code custom_type}; else null. */
  record PamType(String type, String customType) {}

  private PamTypes() {}

  /** The memvault kind of a memory of PAM type {@code type} (one of {@link #TYPES}). */
  static Kind kind(String type) {
    return KINDS.get(type);
  }

  /**
   * The PAM type of a memory that is not a conversation or message: the type it was imported with
   * when that type maps back to its kind, else the kind's own type.
   */
  static PamType of(Memory memory) {
    String imported = memory.getAttributesMap().get(TYPE_ATTRIBUTE);
    if (imported != null && KINDS.get(imported) == memory.getKind()) {
      if (!imported.equals(CUSTOM)) {
        return new PamType(imported, null);
      }
      String customType = memory.getAttributesMap().get(CUSTOM_TYPE_ATTRIBUTE);
      if (customType != null && !customType.isEmpty()) {
        return new PamType(CUSTOM, customType);
      }
    }
    return switch (memory.getKind()) {
      case FACT -> new PamType("fact", null);
      case PREFERENCE -> new PamType("preference", null);
      case INSTRUCTION -> new PamType("instruction", null);
      case NOTE -> new PamType(CUSTOM, NOTE_CUSTOM_TYPE);
      default -> new PamType(CUSTOM, "memvault-kind-" + memory.getKindValue());
    };
  }
}
