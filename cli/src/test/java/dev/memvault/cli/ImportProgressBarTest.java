package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The import's progress line: bytes as a bar, then conversations read and their pace. */
class ImportProgressBarTest {
  private static final long MB = 1024 * 1024;

  @Test
  void update_onATerminal_showsPercentConversationsAndPace() {
    StringWriter shown = new StringWriter();
    AtomicLong now = new AtomicLong(0);
    ProviderImportReport.ProgressBar bar =
        new ProviderImportReport.ProgressBar(new PrintWriter(shown), true, now::get);

    now.set(4_000_000_000L);
    bar.conversationsRead(1_240);
    bar.update(105 * MB, 210 * MB);

    assertEquals(
        "\rimporting [###############               ] 50% of 210 MB, 1,240 conversations (310/s)",
        shown.toString());
  }

  @Test
  void update_throughAPipeOrForASmallFile_showsNothing() {
    StringWriter shown = new StringWriter();
    ProviderImportReport.ProgressBar piped =
        new ProviderImportReport.ProgressBar(new PrintWriter(shown), false, () -> 0);
    ProviderImportReport.ProgressBar small =
        new ProviderImportReport.ProgressBar(new PrintWriter(shown), true, () -> 0);

    piped.conversationsRead(5);
    piped.update(100 * MB, 210 * MB);
    small.conversationsRead(5);
    small.update(MB, 2 * MB);

    assertEquals("", shown.toString());
  }
}
