package dev.memvault.bench;

import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.internal.crypto.PassphraseKdf;
import dev.memvault.core.vault.Vault;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Time to open: {@link Vault#open} in full, Argon2id alone with the vault's own parameters, opening
 * the plain baseline database and, if there is one, the SQLCipher database of the breakdown. They
 * take turns, after one unmeasured round; each is timed in wall-clock time and in CPU time of the
 * calling thread, which other load on the machine disturbs less (Argon2id and SQLite both run in
 * the calling thread).
 */
final class OpenBenchmark {
  /** Wall-clock and CPU times of one measured step. */
  record Timing(Samples wallNanos, Samples cpuNanos) {
    Timing() {
      this(new Samples(), new Samples());
    }
  }

  /**
   * @param openMinusArgon2id per round, {@code Vault.open} minus the Argon2id run next to it
   */
  record Result(
      Timing vaultOpen,
      Timing argon2id,
      Timing openMinusArgon2id,
      Timing plainOpen,
      Optional<Timing> sqlCipherOpen,
      KdfParameters kdf) {}

  /** A database to open besides the vault. */
  record Database(PlainFtsStore.Opener opener, Path file) {}

  private interface Step {
    void run() throws SQLException;
  }

  private OpenBenchmark() {}

  static Result run(
      Path vaultDirectory,
      char[] passphrase,
      KdfParameters kdf,
      Database plain,
      Optional<Database> sqlCipher,
      int repeats)
      throws SQLException {
    Step openVault = () -> Vault.open(vaultDirectory, passphrase).close();
    Step derive = () -> PassphraseKdf.derive(passphrase, kdf);
    Step openPlain = () -> PlainFtsStore.open(Report.PLAIN, plain.opener(), plain.file()).close();
    Timing vault = new Timing();
    Timing argon = new Timing();
    Timing difference = new Timing();
    Timing baseline = new Timing();
    Optional<Timing> cipher = sqlCipher.map(database -> new Timing());
    for (int round = -1; round < repeats; round++) {
      boolean measured = round >= 0;
      long[] open = time(openVault, measured ? vault : null);
      long[] derived = time(derive, measured ? argon : null);
      if (measured) {
        difference.wallNanos().add(open[0] - derived[0]);
        difference.cpuNanos().add(open[1] - derived[1]);
      }
      time(openPlain, measured ? baseline : null);
      if (sqlCipher.isPresent()) {
        Database database = sqlCipher.get();
        time(
            () -> PlainFtsStore.open(Report.SQLCIPHER, database.opener(), database.file()).close(),
            measured ? cipher.get() : null);
      }
    }
    return new Result(vault, argon, difference, baseline, cipher, kdf);
  }

  /** Runs the step; returns its wall-clock and CPU nanoseconds, also added to the timing. */
  private static long[] time(Step step, Timing timing) throws SQLException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    step.run();
    long wall = System.nanoTime() - start;
    cpu = threads.getCurrentThreadCpuTime() - cpu;
    if (timing != null) {
      timing.wallNanos().add(wall);
      timing.cpuNanos().add(cpu);
    }
    return new long[] {wall, cpu};
  }
}
