package dev.memvault.sdk.portable.markdown;

import dev.memvault.proto.v1.Memory;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * File names for conversations: the date, a slug of the title and a short id, such as {@code
 * 2024-05-29-planning-a-trip-to-lisbon-1a2b3c4d.md}. Only lowercase ASCII letters, digits and
 * {@code -}, so they are safe on every file system and in a URL; unique within one export.
 */
final class FileNames {
  private static final int MAX_SLUG = 60;

  private FileNames() {}

  /** A name not in {@code used} (compared ignoring case), which is added to {@code used}. */
  static String forConversation(Memory conversation, Set<String> used) {
    String base =
        MarkdownText.date(conversation.getCreatedAt())
            + "-"
            + slug(conversation.getConversation().getTitle());
    String hex = conversation.getId().replace("-", "").toLowerCase(Locale.ROOT);
    // The tail of a UUIDv7 is random; its head is a timestamp that conversations can share.
    String name = base + "-" + hex.substring(hex.length() - 8) + ".md";
    if (!used.add(name.toLowerCase(Locale.ROOT))) {
      name = base + "-" + hex + ".md";
      for (int i = 2; !used.add(name.toLowerCase(Locale.ROOT)); i++) {
        name = base + "-" + hex + "-" + i + ".md";
      }
    }
    return name;
  }

  /** Lowercase ASCII words joined by "-", accents dropped; "untitled" when nothing is left. */
  static String slug(String title) {
    String ascii =
        Normalizer.normalize(title, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder();
    for (int i = 0; i < ascii.length() && slug.length() < MAX_SLUG; i++) {
      char c = ascii.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        slug.append(c);
      } else if (slug.length() > 0 && slug.charAt(slug.length() - 1) != '-') {
        slug.append('-');
      }
    }
    while (slug.length() > 0 && slug.charAt(slug.length() - 1) == '-') {
      slug.setLength(slug.length() - 1);
    }
    return slug.length() == 0 ? "untitled" : slug.toString();
  }
}
