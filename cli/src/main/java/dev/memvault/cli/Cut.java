package dev.memvault.cli;

import dev.memvault.core.vault.Selection;
import java.util.List;

/**
 * Saying when a list was cut at its limit: the vault is asked for one more than the limit, and when
 * that one exists the person is told that more match and how to see them.
 */
final class Cut {
  private Cut() {}

  static Selection oneMore(Selection selection) {
    return selection.limit() < Selection.MAX_LIMIT
        ? selection.limitedTo(selection.limit() + 1)
        : selection;
  }

  static boolean isCut(List<?> found, Selection asked) {
    return found.size() > asked.limit();
  }

  static <T> List<T> shown(List<T> found, Selection asked) {
    return isCut(found, asked) ? found.subList(0, asked.limit()) : found;
  }

  /** For a listing, which takes any limit. */
  static String listNotice(long shown) {
    return String.format(
        java.util.Locale.ROOT, "%,d shown; more match: --limit N shows more", shown);
  }

  static String notice(Selection asked) {
    return String.format(
        java.util.Locale.ROOT,
        "%,d shown; more match: --limit N shows more (up to %,d)",
        asked.limit(),
        Selection.MAX_LIMIT);
  }
}
