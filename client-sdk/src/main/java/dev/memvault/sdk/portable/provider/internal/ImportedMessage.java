package dev.memvault.sdk.portable.provider.internal;

/**
 * A message placed in its conversation, with references to other messages by the provider's ids
 * (the writer turns them into memory ids).
 *
 * @param position place in the thread from 0; an alternate has the one it would have had
 * @param parentExternalId the message this one follows, or null for the first
 * @param branchExternalId null on the visible thread; on an alternate branch, the provider id of
 *     the branch's first message (this message's own id when it starts the branch)
 * @param alternateOfExternalId for the first message of an alternate branch, the visible-thread
 *     message at the same position, when there is one; otherwise null
 */
public record ImportedMessage(
    MessageContent content,
    int position,
    String parentExternalId,
    String branchExternalId,
    String alternateOfExternalId) {

  public boolean visible() {
    return branchExternalId == null;
  }

  public String externalId() {
    return content.externalId();
  }
}
