package dev.memvault.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the memvault CLI as a separate process, the way a person's shell would. */
final class CliRunner {
  /** What one command printed and returned. */
  record Result(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** An import's summary without its closing "took" line, which must be there. */
    String importSummary() {
      String took = out.lines().reduce((first, last) -> last).orElse("");
      if (!took.matches("  took: {10}\\d+\\.\\d s( \\([\\d,]+ messages/s\\))?")) {
        throw new AssertionError("the last line says how long it took: " + out);
      }
      return out.substring(0, out.length() - took.length() - 1);
    }
  }

  private final Path vault;
  private final Map<String, String> environment = new HashMap<>();
  private boolean withoutTerminal;

  /** Where the JVM logs each class it loads, for a runner that starts as the jar does; or null. */
  private Path classLoadLog;

  CliRunner(Path vault, String passphrase) {
    this.vault = vault;
    if (passphrase != null) {
      environment.put("MEMVAULT_PASSPHRASE", passphrase);
    }
  }

  CliRunner withEnv(String name, String value) {
    CliRunner copy = new CliRunner(vault, environment.get("MEMVAULT_PASSPHRASE"));
    copy.environment.putAll(environment);
    copy.withoutTerminal = withoutTerminal;
    copy.classLoadLog = classLoadLog;
    if (value == null) {
      copy.environment.remove(name);
    } else {
      copy.environment.put(name, value);
    }
    return copy;
  }

  /**
   * A runner whose commands run in a new session without a controlling terminal ({@code setsid}),
   * as a service's do: a command that must ask for a passphrase says so and fails, whether or not
   * the test itself runs at a terminal.
   */
  CliRunner withoutTerminal() {
    CliRunner copy = withEnv("MEMVAULT_PASSPHRASE", environment.get("MEMVAULT_PASSPHRASE"));
    copy.withoutTerminal = true;
    return copy;
  }

  /**
   * A runner whose commands start as the jar's do ({@link Launch}: handed to an unlocked vault's
   * agent where they can be), the JVM logging every class it loads to {@code classLoadLog}.
   */
  CliRunner launched(Path classLoadLog) {
    CliRunner copy = withEnv("MEMVAULT_PASSPHRASE", environment.get("MEMVAULT_PASSPHRASE"));
    copy.classLoadLog = classLoadLog;
    return copy;
  }

  /** The recovery key that {@code memvault init} printed. */
  static String recoveryKey(String initOut) {
    return initOut
        .lines()
        .map(String::trim)
        .filter(line -> line.matches("[0-9A-Z]{4}(-[0-9A-Z]{4}){13}"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no recovery key in: " + initOut));
  }

  /** Runs {@code memvault ARGS --vault DIR}. */
  Result run(String... args) {
    return runWithInput("", args);
  }

  /**
   * Starts {@code memvault ARGS --vault DIR} and returns at once; read its standard output from the
   * process, its standard error goes to {@code errorLog}.
   */
  Process start(java.io.File errorLog, String... args) throws IOException {
    return startMain(Main.class, errorLog, args);
  }

  /** As {@link #start}, running the {@code main} of {@code mainClass} instead of the CLI's. */
  Process startMain(Class<?> mainClass, File errorLog, String... args) throws IOException {
    return builder(mainClass, args).redirectError(errorLog).start();
  }

  private ProcessBuilder builder(String... args) {
    return builder(classLoadLog == null ? Main.class : Launch.class, args);
  }

  private ProcessBuilder builder(Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    if (withoutTerminal) {
      command.addAll(List.of("setsid", "-w"));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (classLoadLog != null) {
      command.add("-Xlog:class+load:file=" + classLoadLog);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    // A provider has no vault of its own; the demo makes its own.
    if (args.length > 0
        && !List.of("demo", "provider", "help").contains(args[0])
        && !args[0].startsWith("-")) {
      command.add("--vault");
      command.add(vault.toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("MEMVAULT_PASSPHRASE");
    builder.environment().remove("MEMVAULT_HOME");
    builder.environment().remove("MEMVAULT_RECOVERY_KEY");
    builder.environment().putAll(environment);
    return builder;
  }

  Result runWithInput(String stdin, String... args) {
    ProcessBuilder builder = builder(args);
    try {
      File out = File.createTempFile("memvault-out", ".txt");
      File err = File.createTempFile("memvault-err", ".txt");
      out.deleteOnExit();
      err.deleteOnExit();
      builder.redirectOutput(out).redirectError(err);
      Process process = builder.start();
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("memvault " + String.join(" ", args) + " did not finish");
      }
      return new Result(
          process.exitValue(),
          java.nio.file.Files.readString(out.toPath()),
          java.nio.file.Files.readString(err.toPath()));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
