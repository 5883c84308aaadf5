package dev.memvault.core.testing;

import dev.memvault.proto.v1.Conversation;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Message;
import dev.memvault.proto.v1.Role;
import java.util.List;

/** Memory drafts as a caller would build them before {@code Vault.add}. */
public final class Drafts {
  private Drafts() {}

  public static Memory note(String scope, String text, String... tags) {
    return of(scope, Kind.NOTE, text, tags);
  }

  public static Memory of(String scope, Kind kind, String text, String... tags) {
    return Memory.newBuilder()
        .setScope(scope)
        .setKind(kind)
        .setText(text)
        .addAllTags(List.of(tags))
        .build();
  }

  public static Memory conversation(String scope, String title) {
    return Memory.newBuilder()
        .setScope(scope)
        .setKind(Kind.CONVERSATION)
        .setConversation(Conversation.newBuilder().setTitle(title))
        .build();
  }

  public static Memory message(String scope, String conversationId, int position, String text) {
    return Memory.newBuilder()
        .setScope(scope)
        .setKind(Kind.MESSAGE)
        .setText(text)
        .setMessage(
            Message.newBuilder()
                .setConversationId(conversationId)
                .setPosition(position)
                .setRole(position % 2 == 0 ? Role.USER : Role.ASSISTANT))
        .build();
  }
}
