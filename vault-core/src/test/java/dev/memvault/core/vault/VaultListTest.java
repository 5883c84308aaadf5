package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memvault.core.testing.Drafts;
import dev.memvault.core.testing.MutableClock;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing any number of memories a page at a time, in the order of a listing read at once. */
class VaultListTest {
  private static final char[] PASSPHRASE = "list passphrase".toCharArray();

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-10T08:00:00Z"));

  /** {@code count} notes, some sharing an update time (as a batch does), in scope "a" or "b". */
  private Vault vaultWith(int count) {
    Vault vault = Vault.create(dir, PASSPHRASE, clock, new SecureRandom()).vault();
    List<Memory> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(Drafts.note(i % 3 == 0 ? "b" : "a", "note " + i));
      if (batch.size() == 7) {
        vault.addAll(batch);
        batch.clear();
        clock.advance(Duration.ofMillis(1));
      }
    }
    vault.addAll(batch);
    return vault;
  }

  private static List<String> ids(List<Memory> memories) {
    return memories.stream().map(Memory::getId).toList();
  }

  @Test
  void list_pagedPastTenThousand_sameOrderAsOneReadAndEveryMemoryOnce() {
    try (Vault vault = vaultWith(Selection.MAX_LIMIT + 1_234)) {
      List<Memory> paged = new ArrayList<>();

      vault.list(Selection.all(), Long.MAX_VALUE, paged::add);

      assertEquals(Selection.MAX_LIMIT + 1_234, paged.size());
      assertEquals(
          ids(vault.list(Selection.all().limitedTo(Selection.MAX_LIMIT))),
          ids(paged.subList(0, Selection.MAX_LIMIT)));
      assertEquals(paged.size(), ids(paged).stream().distinct().count());
    }
  }

  @Test
  void list_filteredWithALimitNotAPageMultiple_handsExactlyThatManyInOrder() {
    try (Vault vault = vaultWith(2_000)) {
      Selection scopeB = Selection.all().inScope("b");
      List<Memory> paged = new ArrayList<>();

      vault.list(scopeB, Vault.LIST_PAGE + 17, paged::add);

      assertEquals(ids(vault.list(scopeB.limitedTo(Vault.LIST_PAGE + 17))), ids(paged));
      assertEquals(List.of("b"), paged.stream().map(Memory::getScope).distinct().toList());
      assertThrows(IllegalArgumentException.class, () -> vault.list(scopeB, 0, paged::add));
    }
  }
}
