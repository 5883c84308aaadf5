package dev.memvault.sdk.portable.provider.internal;

import dev.memvault.proto.v1.Role;
import java.util.List;

/** A title for a conversation that the provider left without one. */
public final class Titles {
  public static final String UNTITLED = "Untitled conversation";
  static final int MAX_DERIVED_CHARS = 60;

  private Titles() {}

  /**
   * The provider's title if it has one; otherwise the start of the first visible message a person
   * wrote (first line, at most 60 characters, cut at a word with "…"); otherwise {@value
   * #UNTITLED}.
   */
  public static String orDerived(String providerTitle, List<ImportedMessage> messages) {
    if (providerTitle != null && !providerTitle.isBlank()) {
      return providerTitle.strip();
    }
    for (ImportedMessage message : messages) {
      if (message.visible() && message.content().role() == Role.USER) {
        String text = message.content().visibleText().strip();
        if (!text.isEmpty()) {
          return shorten(text.lines().findFirst().orElse("").strip());
        }
      }
    }
    return UNTITLED;
  }

  private static String shorten(String line) {
    String collapsed = line.replaceAll("\\s+", " ");
    if (collapsed.codePointCount(0, collapsed.length()) <= MAX_DERIVED_CHARS) {
      return collapsed.isEmpty() ? UNTITLED : collapsed;
    }
    String cut = collapsed.substring(0, collapsed.offsetByCodePoints(0, MAX_DERIVED_CHARS - 1));
    int space = cut.lastIndexOf(' ');
    if (space > MAX_DERIVED_CHARS / 2) {
      cut = cut.substring(0, space);
    }
    return cut.stripTrailing() + "…";
  }
}
