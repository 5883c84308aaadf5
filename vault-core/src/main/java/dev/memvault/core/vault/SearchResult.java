package dev.memvault.core.vault;

import dev.memvault.proto.v1.Memory;

/**
 * One search hit: the memory (for a hit inside a conversation's message, the conversation), a
 * snippet of the matching text with matches in [brackets], and the bm25 score (lower is better).
 */
public record SearchResult(Memory memory, String snippet, double score) {
  @Override
  public String toString() {
    return "SearchResult[id=" + memory.getId() + ", score=" + score + "]";
  }
}
