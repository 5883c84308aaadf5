package dev.memvault.sdk.portable.jsonl;

import java.util.List;

/**
 * What an import of a JSONL export did: memories stored, memories skipped because the vault already
 * holds their id (imported before, or forgotten since), and the lines that were not imported:
 * {@code failed} of them, the first {@link #MAX_LISTED_FAILURES} listed in {@code failures} by line
 * number, each with its reason. A failed line left nothing in the vault.
 */
public record ImportReport(long imported, long skipped, long failed, List<Failure> failures) {
  /** At most this many failures are kept with their reasons; the rest are only counted. */
  public static final int MAX_LISTED_FAILURES = 1000;

  public ImportReport {
    failures = List.copyOf(failures);
  }

  /** A line that was not imported, and why, for a person to read. */
  public record Failure(long line, String reason) {
    /** For a person: "line 12 is not valid JSON ...". */
    public String describe() {
      return "line " + line + " " + reason;
    }
  }

  /** True when every line of the file was read and accepted. */
  public boolean complete() {
    return failed == 0;
  }
}
