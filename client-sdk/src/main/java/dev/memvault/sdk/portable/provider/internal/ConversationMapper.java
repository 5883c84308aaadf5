package dev.memvault.sdk.portable.provider.internal;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Turns one conversation of a provider's {@code conversations.json} into neutral form. */
public interface ConversationMapper {
  /**
   * @throws ConversationProblem if the conversation lacks what an import needs
   */
  ImportedConversation map(JsonNode conversation);

  /** The provider's id of a conversation as far as it can be read, or "". */
  String idOf(JsonNode conversation);

  /**
   * When a conversation has the shape of another provider's export, a sentence that says which, so
   * that a person who gave the wrong file hears why rather than one failure per conversation.
   */
  Optional<String> otherProvider(JsonNode conversation);

  /** The sentence for an item of Google Takeout's activity log (Gemini's export). */
  static Optional<String> takeoutActivity(JsonNode item) {
    if (item.isObject() && item.has("header") && item.has("time")) {
      return Optional.of(
          "it looks like Google Takeout's activity log; import it with 'memvault import gemini'");
    }
    return Optional.empty();
  }
}
