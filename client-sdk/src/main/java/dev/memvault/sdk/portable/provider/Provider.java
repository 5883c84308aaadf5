package dev.memvault.sdk.portable.provider;

/** An assistant whose data export memvault imports. */
public enum Provider {
  CHATGPT("chatgpt", "ChatGPT"),
  CLAUDE("claude", "Claude"),
  GEMINI("gemini", "Gemini"),
  GROK("grok", "Grok");

  private final String id;
  private final String displayName;

  Provider(String id, String displayName) {
    this.id = id;
    this.displayName = displayName;
  }

  /** The name stored in {@code Source.provider} of every imported memory. */
  public String id() {
    return id;
  }

  /** The name to show a person. */
  public String displayName() {
    return displayName;
  }
}
