package dev.memvault.core.vault;

import java.util.Arrays;

/**
 * The merge rule of docs/FORMAT.md, section 14.2, as a pure function: what a replica does with a
 * pulled revision of a memory it already holds. Revisions are ordered by (hybrid clock, author
 * device id), both unsigned; the greatest is current. A tombstone purges every revision whose clock
 * is at or below its own, and nothing at or below a purge mark comes back. Every replica that
 * applies the same revisions in any order ends in the same state.
 */
final class MergeRule {
  private MergeRule() {}

  /** The merge key of one revision, and whether it is a tombstone. */
  record Version(long hlc, byte[] author, boolean deleted) {}

  /** What to do with the pulled revision. */
  enum Action {
    /** It is the current revision already. */
    ALREADY_CURRENT,
    /** It becomes current and, as a tombstone, purges everything before it. */
    TOMBSTONE_CURRENT,
    /** It becomes current; the old current goes to history if {@link Decision#keepOldCurrent}. */
    REPLACE_CURRENT,
    /** It is an older tombstone: history at or below the new purge mark goes. */
    PURGE_HISTORY,
    /** It is at or below the purge mark: discard it. */
    DISCARD,
    /** It belongs in history, in its revision's slot, if it beats the slot's occupant. */
    CONTEND_FOR_HISTORY_SLOT
  }

  /**
   * @param purgeHlc the purge mark after applying the revision (unchanged unless it purges)
   * @param keepOldCurrent for {@link Action#REPLACE_CURRENT}: the displaced current revision is
   *     live and above the purge mark, so it keeps its history slot
   */
  record Decision(Action action, long purgeHlc, boolean keepOldCurrent) {}

  /**
   * Decides what a pulled revision does to a memory whose current revision is {@code current} and
   * whose purge mark is {@code purgeHlc} (0 if none).
   */
  static Decision decide(Version remote, Version current, long purgeHlc) {
    int order = compare(remote, current);
    if (order == 0) {
      return new Decision(Action.ALREADY_CURRENT, purgeHlc, false);
    }
    long purge = purgeHlc;
    if (current.deleted()) {
      // A current tombstone purges too, also on a restored device, whose purge marks the backup
      // did not carry.
      purge = maxUnsigned(purge, current.hlc());
    }
    if (order > 0) {
      if (remote.deleted()) {
        return new Decision(Action.TOMBSTONE_CURRENT, maxUnsigned(purge, remote.hlc()), false);
      }
      boolean keepOld = !current.deleted() && Long.compareUnsigned(current.hlc(), purge) > 0;
      return new Decision(Action.REPLACE_CURRENT, purge, keepOld);
    }
    if (remote.deleted()) {
      return new Decision(Action.PURGE_HISTORY, maxUnsigned(purge, remote.hlc()), false);
    }
    if (Long.compareUnsigned(remote.hlc(), purge) <= 0) {
      return new Decision(Action.DISCARD, purge, false);
    }
    return new Decision(Action.CONTEND_FOR_HISTORY_SLOT, purge, false);
  }

  /** Whether {@code revision} survives a purge mark. */
  static boolean survivesPurge(long revisionHlc, long purgeHlc) {
    return Long.compareUnsigned(revisionHlc, purgeHlc) > 0;
  }

  /** Whether a contender takes a history slot from its occupant: only a greater key does. */
  static boolean winsSlot(Version contender, Version occupant) {
    return compare(contender, occupant) > 0;
  }

  /** Orders revisions by (hlc, author device id), both unsigned. */
  static int compare(Version a, Version b) {
    int byClock = Long.compareUnsigned(a.hlc(), b.hlc());
    return byClock != 0 ? byClock : Arrays.compareUnsigned(a.author(), b.author());
  }

  static long maxUnsigned(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }
}
