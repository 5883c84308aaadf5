package dev.memvault.server.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseOutageTest {
  @Test
  void isUnreachable_connectionClassStatesAndShutdowns_true() {
    for (String state : new String[] {"08001", "08006", "57P01", "57P02", "57P03"}) {
      assertTrue(DatabaseOutage.isUnreachable(new SQLException("x", state)), state);
    }
  }

  @Test
  void isUnreachable_poolTimeoutWithoutState_true() {
    assertTrue(DatabaseOutage.isUnreachable(new SQLTransientConnectionException("timed out")));
  }

  @Test
  void isUnreachable_causeOfAWrapper_true() {
    assertTrue(
        DatabaseOutage.isUnreachable(
            new StoreException("cannot read", new SQLException("refused", "08001"))));
  }

  @Test
  void isUnreachable_statementRefusedOrNoState_false() {
    for (String state : new String[] {"23505", "40001", "57014", "53100", "42P01"}) {
      assertFalse(DatabaseOutage.isUnreachable(new SQLException("x", state)), state);
    }
    assertFalse(DatabaseOutage.isUnreachable(new SQLException("no state")));
    assertFalse(DatabaseOutage.isUnreachable(new IllegalStateException("not SQL")));
  }
}
