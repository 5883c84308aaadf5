package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.testing.Seeds;
import dev.memvault.core.vault.MergeRule.Action;
import dev.memvault.core.vault.MergeRule.Decision;
import dev.memvault.core.vault.MergeRule.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class MergeRuleTest {
  private static final byte[] A = {1};
  private static final byte[] B = {2};

  private static Version live(long hlc, byte[] author) {
    return new Version(hlc, author, false);
  }

  private static Version tombstone(long hlc, byte[] author) {
    return new Version(hlc, author, true);
  }

  @Test
  void decide_sameKey_alreadyCurrent() {
    assertEquals(Action.ALREADY_CURRENT, MergeRule.decide(live(5, A), live(5, A), 0).action());
  }

  @Test
  void decide_sameClockGreaterAuthor_replacesCurrent() {
    Decision decision = MergeRule.decide(live(5, B), live(5, A), 0);
    assertEquals(Action.REPLACE_CURRENT, decision.action());
    assertTrue(decision.keepOldCurrent());
  }

  @Test
  void decide_newerLive_replacesCurrentKeepingOldInHistory() {
    Decision decision = MergeRule.decide(live(9, A), live(5, B), 0);
    assertEquals(Action.REPLACE_CURRENT, decision.action());
    assertTrue(decision.keepOldCurrent());
  }

  @Test
  void decide_newerLiveOverTombstone_oldTombstoneNotKeptAndPurgeRaised() {
    Decision decision = MergeRule.decide(live(9, A), tombstone(5, B), 2);
    assertEquals(Action.REPLACE_CURRENT, decision.action());
    assertFalse(decision.keepOldCurrent());
    assertEquals(5, decision.purgeHlc());
  }

  @Test
  void decide_newerLiveOverCurrentAtPurgeMark_oldCurrentNotKept() {
    Decision decision = MergeRule.decide(live(9, A), live(5, B), 5);
    assertFalse(decision.keepOldCurrent());
  }

  @Test
  void decide_newerTombstone_tombstonesCurrentWithItsClockAsPurge() {
    Decision decision = MergeRule.decide(tombstone(9, A), live(5, B), 3);
    assertEquals(Action.TOMBSTONE_CURRENT, decision.action());
    assertEquals(9, decision.purgeHlc());
  }

  @Test
  void decide_olderTombstone_purgesHistoryUpToItsClock() {
    Decision decision = MergeRule.decide(tombstone(4, A), live(9, B), 2);
    assertEquals(Action.PURGE_HISTORY, decision.action());
    assertEquals(4, decision.purgeHlc());
  }

  @Test
  void decide_olderTombstoneBelowPurge_purgeStays() {
    Decision decision = MergeRule.decide(tombstone(4, A), live(9, B), 7);
    assertEquals(Action.PURGE_HISTORY, decision.action());
    assertEquals(7, decision.purgeHlc());
  }

  @Test
  void decide_olderLiveAtOrBelowPurge_discarded() {
    assertEquals(Action.DISCARD, MergeRule.decide(live(4, A), live(9, B), 4).action());
    assertEquals(Action.DISCARD, MergeRule.decide(live(3, A), tombstone(9, B), 0).action());
  }

  @Test
  void decide_olderLiveAbovePurge_contendsForHistorySlot() {
    assertEquals(
        Action.CONTEND_FOR_HISTORY_SLOT, MergeRule.decide(live(6, A), live(9, B), 4).action());
  }

  @Test
  void compare_clocksUnsigned_negativeLongIsGreatest() {
    assertTrue(MergeRule.compare(live(-1L, A), live(Long.MAX_VALUE, B)) > 0);
    assertTrue(MergeRule.compare(live(7, new byte[] {(byte) 0x80}), live(7, new byte[] {1})) > 0);
  }

  @Test
  void winsSlot_onlyAGreaterKeyWins() {
    assertTrue(MergeRule.winsSlot(live(6, B), live(6, A)));
    assertFalse(MergeRule.winsSlot(live(6, A), live(6, A)));
    assertFalse(MergeRule.winsSlot(live(5, B), live(6, A)));
  }

  /**
   * Two replicas of one memory that receive the same revisions in different orders end with the
   * same current revision and purge mark, whatever the order: the rule is a function of the set of
   * revisions seen, not of their arrival.
   */
  @RepeatedTest(200)
  void decide_anyArrivalOrder_replicasAgreeOnCurrentAndPurge() {
    long seed = Seeds.seed("MergeRuleTest.decide_anyArrivalOrder");
    Random random = new Random(seed);
    List<Revision> revisions = new ArrayList<>();
    int count = 2 + random.nextInt(8);
    Set<Long> keys = new HashSet<>();
    while (revisions.size() < count) {
      // A device stamps each revision with a fresh clock value: (clock, author) keys are unique.
      byte[] author = {(byte) random.nextInt(3)};
      long hlc = 1 + random.nextInt(12);
      if (keys.add(hlc * 4 + author[0])) {
        revisions.add(
            new Revision(revisions.size() + 1, new Version(hlc, author, random.nextInt(4) == 0)));
      }
    }
    Model first = new Model();
    revisions.forEach(first::apply);
    List<Revision> shuffled = new ArrayList<>(revisions);
    Collections.shuffle(shuffled, random);
    Model second = new Model();
    shuffled.forEach(second::apply);

    String context = "seed " + seed + ", revisions " + revisions;
    assertEquals(first.current.version().hlc(), second.current.version().hlc(), context);
    assertEquals(first.current.version().deleted(), second.current.version().deleted(), context);
    assertEquals(MergeRule.compare(first.current.version(), second.current.version()), 0, context);
    assertEquals(first.purge, second.purge, context);
  }

  private record Revision(long number, Version version) {
    @Override
    public String toString() {
      return number
          + ":"
          + version.hlc()
          + "/"
          + version.author()[0]
          + (version.deleted() ? "x" : "");
    }
  }

  /** One replica's view of one memory, driven by the rule the way RemoteChanges drives it. */
  private static final class Model {
    Revision current;
    long purge;
    final TreeMap<Long, Revision> history = new TreeMap<>();

    void apply(Revision remote) {
      if (current == null) {
        current = remote;
        if (remote.version().deleted()) {
          purge = remote.version().hlc();
        }
        return;
      }
      Decision decision = MergeRule.decide(remote.version(), current.version(), purge);
      switch (decision.action()) {
        case ALREADY_CURRENT, DISCARD -> {}
        case TOMBSTONE_CURRENT -> {
          history.clear();
          current = remote;
          purge = decision.purgeHlc();
        }
        case REPLACE_CURRENT -> {
          if (decision.keepOldCurrent()) {
            history.put(current.number(), current);
          }
          current = remote;
        }
        case PURGE_HISTORY -> {
          purge = decision.purgeHlc();
          history.values().removeIf(kept -> !MergeRule.survivesPurge(kept.version().hlc(), purge));
        }
        case CONTEND_FOR_HISTORY_SLOT -> {
          Revision occupant = history.get(remote.number());
          if (occupant == null || MergeRule.winsSlot(remote.version(), occupant.version())) {
            history.put(remote.number(), remote);
          }
        }
      }
    }
  }
}
