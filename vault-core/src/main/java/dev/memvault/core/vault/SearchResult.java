package dev.memvault.core.vault;

import dev.memvault.proto.v1.Memory;

/**
 * One search hit: the memory (for a hit inside a conversation's message, the conversation), a
 * snippet of the matching text with its matches marked, the rank score (lower is better: bm25 for a
 * search by words, minus the fused reciprocal rank with meaning), and the memory that matched (for
 * a hit inside a message, the message; else the memory itself).
 *
 * @param markedSnippet the snippet with each run of matches between U+E000 and U+E001, which the
 *     text itself never holds; {@link #snippet()} shows them as [brackets], {@link #plainSnippet()}
 *     not at all
 */
public record SearchResult(Memory memory, String markedSnippet, double score, Memory matched) {
  /** A hit in the memory itself, not in one of its messages. */
  public SearchResult(Memory memory, String markedSnippet, double score) {
    this(memory, markedSnippet, score, memory);
  }

  private static final char OPEN = '\uE000';
  private static final char CLOSE = '\uE001';

  /** The snippet with matches in [brackets]. */
  public String snippet() {
    return snippet("[", "]");
  }

  /** The snippet as the text has it, matches unmarked. */
  public String plainSnippet() {
    return snippet("", "");
  }

  /** The snippet with each run of matches between {@code open} and {@code close}. */
  public String snippet(String open, String close) {
    StringBuilder out = new StringBuilder(markedSnippet.length() + 16);
    for (int i = 0; i < markedSnippet.length(); i++) {
      char c = markedSnippet.charAt(i);
      if (c == OPEN) {
        out.append(open);
      } else if (c == CLOSE) {
        out.append(close);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "SearchResult[id=" + memory.getId() + ", score=" + score + "]";
  }
}
