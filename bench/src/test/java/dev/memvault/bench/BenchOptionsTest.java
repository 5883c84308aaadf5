package dev.memvault.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void parse_noParts_runsEveryPart() {
    BenchOptions options = BenchOptions.parse(new String[0]);

    assertEquals(BenchOptions.ALL_PARTS, options.parts());
  }

  @Test
  void parse_partsList_runsOnlyThose() {
    BenchOptions options = BenchOptions.parse(new String[] {"--parts", "envelope,import"});

    assertEquals(Set.of("envelope", "import"), options.parts());
    assertTrue(options.runs("envelope"));
    assertFalse(options.runs("adds"));
  }

  @Test
  void parse_unknownPart_refusedNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BenchOptions.parse(new String[] {"--parts", "envelope,seal"}));

    assertTrue(e.getMessage().contains("seal"), e.getMessage());
  }
}
