package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.testing.CrashWriter;
import dev.memvault.core.testing.Drafts;
import dev.memvault.proto.v1.Memory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged write survives the writer being killed (SIGKILL) mid-batch, and a batch is all or
 * nothing. The writer is a real child JVM ({@link CrashWriter}).
 */
class VaultCrashTest {
  private static final String PASSPHRASE = "crash test passphrase";
  private static final int BATCH = 5;
  private static final int ACKED_BEFORE_KILL = 40;

  @TempDir Path dir;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // only so that a hung child cannot hang the build
  void addAll_writerKilledMidBatch_everyAcknowledgedMemoryPresentAndBatchesWhole()
      throws Exception {
    Path vaultDir = dir.resolve("vault");
    Memory before;
    try (Vault vault = Vault.create(vaultDir, PASSPHRASE.toCharArray()).vault()) {
      before = vault.add(Drafts.note("home", "written before the crash"));
    }

    Path stderr = dir.resolve("child.err");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                vaultDir.toString(),
                Integer.toString(BATCH))
            .redirectError(stderr.toFile());
    builder.environment().put(CrashWriter.PASSPHRASE_VARIABLE, PASSPHRASE);
    Process child = builder.start();

    List<String> acked = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acked.size() < ACKED_BEFORE_KILL && (line = out.readLine()) != null) {
        if (line.startsWith("acked ")) {
          acked.add(line.substring("acked ".length()));
        }
      }
      // The child is inside its next addAll (or about to be): kill it without warning.
      child.destroyForcibly();
      child.waitFor();
    }
    assertEquals(
        ACKED_BEFORE_KILL, acked.size(), "the child stopped early: " + Files.readString(stderr));
    assertTrue(child.exitValue() != 0, "the child was killed, not finished");

    try (Vault vault = Vault.open(vaultDir, PASSPHRASE.toCharArray())) {
      for (String id : acked) {
        assertTrue(vault.get(id).getText().startsWith("crash batch "), id);
      }
      assertEquals(before, vault.get(before.getId()));

      // Every batch that made it to disk made it whole.
      List<Memory> crashed =
          vault.list(Selection.all().inScope("crash").limitedTo(Selection.MAX_LIMIT));
      Map<String, Integer> perBatch = new HashMap<>();
      for (Memory memory : crashed) {
        perBatch.merge(memory.getTags(0), 1, Integer::sum);
      }
      perBatch.forEach((batch, count) -> assertEquals(BATCH, count, batch + " is partly there"));
      assertTrue(crashed.size() >= ACKED_BEFORE_KILL, crashed.size() + " memories");
      System.out.println(
          acked.size() + " acknowledged, " + crashed.size() + " on disk after the kill");

      Memory after = vault.add(Drafts.note("home", "written after the crash: kumquat"));
      assertEquals(after.getId(), vault.search("kumquat", Selection.all()).get(0).memory().getId());
      assertEquals(after, vault.get(after.getId()));
    }
    try (Vault vault = Vault.open(vaultDir, PASSPHRASE.toCharArray())) {
      assertTrue(
          vault.list(Selection.all().inScope("crash").limitedTo(Selection.MAX_LIMIT)).size()
              >= ACKED_BEFORE_KILL);
    }
  }
}
