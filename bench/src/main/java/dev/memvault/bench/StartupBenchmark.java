package dev.memvault.bench;

import dev.memvault.proto.v1.Kind;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a person waits for at the command line: the wall time of {@code memvault search} on a small
 * vault, as a process of its own from the CLI's jar, next to the JVM's own start ({@code java
 * -version}) in the same rounds: unlocked ({@code memvault unlock}, which runs the search in the
 * session agent), unlocked but in its own process ({@code MEMVAULT_NO_AGENT=1}), unlocked with an
 * AppCDS archive of the classes a search loads (made by one training run with {@code
 * -XX:ArchiveClassesAtExit}), and given the passphrase (an Argon2id derivation included). Each
 * round runs every variant once, so that the load of the machine falls on all of them alike.
 */
final class StartupBenchmark {
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final int MEMORIES = 200;
  private static final int ROUNDS = 11;
  private static final long PROCESS_SECONDS = 120;

  /** Wall times in nanoseconds, one sample per round. */
  record Result(
      int memories,
      Samples javaVersion,
      Samples searchUnlocked,
      Samples searchUnlockedOwnProcess,
      Samples searchUnlockedCds,
      Samples searchPassphrase,
      long archiveBytes) {}

  private StartupBenchmark() {}

  /** The CLI's jar, or a one-line reason to build it first. */
  static Path requireCliJar(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "the startup part runs the CLI's jar "
              + jar
              + "; build it first: ./mvnw -B -q -pl cli -am package -DskipTests");
    }
    return jar;
  }

  static Result run(Path directory, Path cliJar, Corpus corpus) throws Exception {
    Files.createDirectories(directory);
    Path vault = directory.resolve("vault");
    try (MemoryVault created = MemoryVault.create(vault, PASSPHRASE.toCharArray()).vault()) {
      for (int i = 0; i < MEMORIES; i++) {
        created.add(NewMemory.of("notes", Kind.NOTE, corpus.document(i).text()));
      }
    }
    String query = queryWord(corpus);
    Path archive = directory.resolve("memvault-search.jsa");
    Path log = directory.resolve("startup-err.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> search =
        List.of("-jar", cliJar.toString(), "search", query, "--vault", vault.toString());
    List<String> cds = new ArrayList<>(List.of("-XX:SharedArchiveFile=" + archive));
    cds.addAll(search);

    timed(
        java,
        List.of("-jar", cliJar.toString(), "unlock", "--for", "30m", "--vault", vault.toString()),
        true,
        log);
    try {
      List<String> training = new ArrayList<>(List.of("-XX:ArchiveClassesAtExit=" + archive));
      training.addAll(search);
      timed(java, training, false, log);

      Samples javaVersion = new Samples();
      Samples unlocked = new Samples();
      Samples ownProcess = new Samples();
      Samples unlockedCds = new Samples();
      Samples passphrase = new Samples();
      for (int round = -1; round < ROUNDS; round++) {
        // Round -1 warms the page cache for the jar and the vault; it is not counted.
        long version = timed(java, List.of("-version"), false, log);
        long plain = timed(java, search, false, log);
        long own = timed(java, search, false, log, Map.of("MEMVAULT_NO_AGENT", "1"));
        long shared = timed(java, cds, false, log);
        long given = timed(java, search, true, log);
        if (round >= 0) {
          javaVersion.add(version);
          unlocked.add(plain);
          ownProcess.add(own);
          unlockedCds.add(shared);
          passphrase.add(given);
        }
      }
      return new Result(
          MEMORIES,
          javaVersion,
          unlocked,
          ownProcess,
          unlockedCds,
          passphrase,
          Files.size(archive));
    } finally {
      timed(
          java,
          List.of("-jar", cliJar.toString(), "lock", "--vault", vault.toString()),
          false,
          log);
    }
  }

  /** A word of the first memory that a search finds. */
  private static String queryWord(Corpus corpus) {
    for (String word : corpus.document(0).text().split("[^\\p{L}]+")) {
      if (word.length() >= 6) {
        return word.toLowerCase(Locale.ROOT);
      }
    }
    throw new IllegalStateException("no word to search for in the corpus's first document");
  }

  /**
   * Runs {@code java ARGS} to its end and returns its wall time; standard input is empty, the
   * output discarded. Without {@code withPassphrase} the environment holds no passphrase, so a
   * search that found no unlocked session fails (no terminal) rather than being timed.
   */
  private static long timed(String java, List<String> args, boolean withPassphrase, Path log)
      throws IOException, InterruptedException {
    return timed(java, args, withPassphrase, log, Map.of());
  }

  private static long timed(
      String java,
      List<String> args,
      boolean withPassphrase,
      Path log,
      Map<String, String> variables)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("setsid");
    command.add("-w");
    command.add(java);
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(log.toFile());
    Map<String, String> environment = builder.environment();
    environment.remove("MEMVAULT_PASSPHRASE");
    environment.remove("MEMVAULT_PASSPHRASE_COMMAND");
    environment.remove("MEMVAULT_HOME");
    environment.remove("JAVA_TOOL_OPTIONS");
    environment.remove("MEMVAULT_NO_AGENT");
    environment.putAll(variables);
    if (withPassphrase) {
      environment.put("MEMVAULT_PASSPHRASE", PASSPHRASE);
    }
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", args) + " did not finish");
    }
    long elapsed = System.nanoTime() - start;
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "java "
              + String.join(" ", args)
              + " exited with "
              + process.exitValue()
              + ": "
              + Files.readString(log).strip());
    }
    return elapsed;
  }
}
