package dev.memvault.sdk.portable.provider;

/** Told how far an import has read its input, after each conversation. */
@FunctionalInterface
public interface ImportProgress {
  ImportProgress NONE = (bytesRead, totalBytes) -> {};

  /**
   * @param bytesRead bytes of {@code conversations.json} read so far
   * @param totalBytes its size, or -1 when the archive does not say
   */
  void update(long bytesRead, long totalBytes);
}
