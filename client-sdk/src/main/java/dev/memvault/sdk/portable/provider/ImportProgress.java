package dev.memvault.sdk.portable.provider;

/** Told how far an import has read its input, after each conversation. */
@FunctionalInterface
public interface ImportProgress {
  ImportProgress NONE = (bytesRead, totalBytes) -> {};

  /**
   * @param bytesRead bytes of the export's JSON file ({@code conversations.json}, {@code
   *     MyActivity.json}, ...) read so far; for an import that reads the file in several passes
   *     (Gemini), the share of its size that the work done so far stands for
   * @param totalBytes its size, or -1 when the archive does not say
   */
  void update(long bytesRead, long totalBytes);

  /**
   * After each conversation of the export, before {@link #update}: how many conversations this
   * import has read so far (an export does not say how many it holds until it is read to its end).
   */
  default void conversationsRead(int count) {}
}
