package dev.memvault.sdk.portable.provider.internal;

/**
 * One conversation of an export cannot be imported: a required field is missing or has the wrong
 * type, or its message tree is broken. The fault is in the file; the import skips the conversation
 * and reports this message, which names the field.
 */
public final class ConversationProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConversationProblem(String message) {
    super(message);
  }
}
