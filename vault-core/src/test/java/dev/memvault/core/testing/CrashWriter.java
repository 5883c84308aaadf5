package dev.memvault.core.testing;

import dev.memvault.core.vault.Vault;
import dev.memvault.proto.v1.Memory;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of VaultCrashTest: opens an existing vault and adds memories in batches until
 * it is killed, printing "acked &lt;id&gt;" for each memory only after the {@code addAll} that
 * wrote it has returned.
 *
 * <p>Arguments: the vault directory and the batch size. The passphrase comes from the environment
 * variable {@value #PASSPHRASE_VARIABLE}, never from the command line (which other users of the
 * machine can read).
 */
public final class CrashWriter {
  public static final String PASSPHRASE_VARIABLE = "MEMVAULT_TEST_PASSPHRASE";

  private CrashWriter() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int batchSize = Integer.parseInt(args[1]);
    String passphrase = System.getenv(PASSPHRASE_VARIABLE);
    if (passphrase == null) {
      System.err.println(PASSPHRASE_VARIABLE + " is not set");
      System.exit(2);
    }
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (Vault vault = Vault.open(dir, passphrase.toCharArray())) {
      out.println("open");
      out.flush();
      for (int batch = 0; ; batch++) {
        List<Memory> drafts = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
          // Some bulk per memory, so that a batch spans several pages and takes a while.
          drafts.add(
              Drafts.note(
                  "crash",
                  "crash batch " + batch + " item " + i + " " + "payload ".repeat(200),
                  "batch-" + batch));
        }
        for (Memory added : vault.addAll(drafts)) {
          out.println("acked " + added.getId());
        }
        out.flush();
      }
    }
  }
}
