package dev.memvault.server.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushBudgetTest {
  /** Records when it was given a place; declines it if told to. */
  private static final class Claimant implements PushBudget.Claimant {
    final String name;
    final List<String> granted;
    final boolean declines;

    Claimant(String name, List<String> granted, boolean declines) {
      this.name = name;
      this.granted = granted;
      this.declines = declines;
    }

    @Override
    public boolean take() {
      if (declines) {
        granted.add(name + " declined");
        return false;
      }
      granted.add(name);
      return true;
    }
  }

  @Test
  void placesGoAtOnceUpToCapacity_thenToTheLongestWaitingAsTheyComeBack() {
    PushBudget budget = new PushBudget(2);
    List<String> granted = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      budget.acquire(new Claimant(name, granted, false));
    }
    assertEquals(List.of("a", "b"), granted);
    assertEquals(0, budget.freePlaces());
    assertEquals(2, budget.waitingClaimants());

    budget.release();
    assertEquals(List.of("a", "b", "c"), granted);
    budget.release();
    budget.release();
    budget.release();

    assertEquals(List.of("a", "b", "c", "d"), granted);
    assertEquals(2, budget.freePlaces());
    assertEquals(0, budget.waitingClaimants());
  }

  @Test
  void aDeclinedPlace_goesToTheNextWaiting_orBackToTheFreeOnes() {
    PushBudget budget = new PushBudget(1);
    List<String> granted = new ArrayList<>();
    budget.acquire(new Claimant("a", granted, false));
    budget.acquire(new Claimant("gone", granted, true));
    budget.acquire(new Claimant("b", granted, false));

    budget.release();
    assertEquals(List.of("a", "gone declined", "b"), granted);
    assertEquals(0, budget.freePlaces());

    budget.release();
    budget.acquire(new Claimant("gone too", granted, true));
    assertEquals(1, budget.freePlaces());
  }

  @Test
  void releasedMoreOftenThanTaken_orNoPlaces_refused() {
    PushBudget budget = new PushBudget(1);
    assertThrows(IllegalStateException.class, budget::release);
    assertThrows(IllegalArgumentException.class, () -> new PushBudget(0));
  }
}
