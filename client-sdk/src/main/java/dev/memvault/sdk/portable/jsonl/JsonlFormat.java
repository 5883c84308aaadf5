package dev.memvault.sdk.portable.jsonl;

/**
 * Names and numbers of the memvault JSONL export file, specified in docs/FORMAT.md ("JSONL files"):
 * a header line, one line per memory with every revision, and an end line.
 */
public final class JsonlFormat {
  /** The format name in the header: the major version. Another name is refused. */
  public static final String FORMAT = "memvault.v1";

  /**
   * The layout version this code writes: 2, where a memory line carries {@code binary} only when
   * the JSON form of one of its revisions loses something (version 1 carried it on every line).
   * Readers accept any version of {@link #FORMAT} from 1 up: later versions only add members, which
   * readers ignore, or leave out what a reader can do without.
   */
  public static final int VERSION = 2;

  /**
   * Longest line the reader accepts, in characters. One memory with all its revisions is one line;
   * the largest text a memory may hold (4,194,304 characters) fits many times over.
   */
  public static final int MAX_LINE_CHARS = 128 * 1024 * 1024;

  static final String FORMAT_MEMBER = "format";
  static final String VERSION_MEMBER = "version";
  static final String EXPORTED_AT_MEMBER = "exported_at";
  static final String ID_MEMBER = "id";
  static final String REVISIONS_MEMBER = "revisions";
  static final String BINARY_MEMBER = "binary";
  static final String END_MEMBER = "end";
  static final String MEMORIES_MEMBER = "memories";

  private JsonlFormat() {}
}
