package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Savepoints inside one write transaction: units that fail are undone alone. */
class VaultWriteAttemptTest {
  @TempDir Path dir;

  private static Memory note(String scope, String text) {
    return Memory.newBuilder().setScope(scope).setKind(Kind.NOTE).setText(text).build();
  }

  @Test
  void attempt_failingUnitBetweenGoodOnes_onlyItIsUndone() {
    try (Vault vault = Vault.create(dir, "a passphrase".toCharArray()).vault()) {
      int refused =
          vault.write(
              writes -> {
                int failures = 0;
                writes.attempt(w -> w.add(note("work", "first unit")));
                try {
                  writes.attempt(
                      w -> {
                        w.add(note("brand-new-scope", "written, then undone"));
                        return w.add(note("work", "   "));
                      });
                } catch (VaultException.InvalidInput expected) {
                  failures++;
                }
                writes.attempt(w -> w.add(note("work", "third unit")));
                return failures;
              });

      assertEquals(1, refused);
      List<Memory> listed = vault.list(Selection.all());
      assertEquals(2, listed.size());
      assertTrue(listed.stream().noneMatch(m -> m.getText().contains("undone")));
      // The scope created inside the undone unit is gone with it, in memory and on disk.
      assertEquals(List.of("work"), vault.scopes().stream().map(ScopeSummary::name).toList());
      assertThrows(
          VaultException.UnknownItem.class,
          () -> vault.list(Selection.all().inScope("brand-new-scope")));
    }
    try (Vault reopened = Vault.open(dir, "a passphrase".toCharArray())) {
      assertEquals(2, reopened.list(Selection.all()).size());
      assertEquals(1, reopened.scopes().size());
    }
  }

  @Test
  void attempt_outerWorkThrows_everyUnitIsUndone() {
    try (Vault vault = Vault.create(dir, "a passphrase".toCharArray()).vault()) {
      assertThrows(
          IllegalStateException.class,
          () ->
              vault.write(
                  writes -> {
                    writes.attempt(w -> w.add(note("work", "kept by its savepoint only")));
                    throw new IllegalStateException("the batch as a whole fails");
                  }));
      assertEquals(0, vault.list(Selection.all()).size());
      assertEquals(0, vault.scopes().size());
    }
  }
}
