package dev.memvault.cli.session;

import dev.memvault.core.VaultException;
import dev.memvault.core.vault.SessionKey;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts a vault's session agent (a main class that calls {@link SessionAgentMain#serve}) as a
 * process of its own that outlives the command: in a new session without a controlling terminal
 * ({@code setsid}, where there is one), with an empty environment (so a MEMVAULT_PASSPHRASE the
 * command was given is not kept), the key written to its standard input and nothing else. Returns
 * once the agent listens.
 */
public final class SessionAgentProcess {
  /**
   * A heap for the read-only commands it runs for other processes (a search loads the embedding
   * model once, then keeps it); no attach (no heap dump of the key to a file by jcmd) and no perf
   * data file.
   */
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xmx384m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:+DisableAttachMechanism",
          "-XX:-UsePerfData",
          "-Xshare:auto");

  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  private SessionAgentProcess() {}

  /**
   * Starts an agent holding {@code key} for the vault in {@code vaultDirectory} until {@code
   * expiresAt}. The caller still destroys its own copy of the key.
   *
   * @throws VaultException if the agent could not start; its one-line reason is in the message
   */
  public static void start(
      Path vaultDirectory, SessionKey key, Instant expiresAt, Class<?> agentMain) {
    List<String> command = new ArrayList<>();
    SETSID.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .ifPresent(p -> command.add(p.toString()));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    command.add(absoluteClassPath());
    command.add(agentMain.getName());
    command.add(SessionSocket.of(vaultDirectory).toString());
    command.add(Long.toString(expiresAt.toEpochMilli()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(new File("/"))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    Process agent;
    try {
      agent = builder.start();
    } catch (IOException e) {
      throw new VaultException("the session agent could not be started: " + e.getMessage(), e);
    }
    String line;
    try {
      try (OutputStream in = agent.getOutputStream()) {
        key.writeTo(in);
      }
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
        line = out.readLine();
      }
    } catch (IOException e) {
      agent.destroy();
      throw new VaultException("the session agent could not be started: " + e.getMessage(), e);
    }
    if (!SessionAgentMain.READY.equals(line)) {
      agent.destroy();
      String reason = line == null ? "it exited at once" : line.replaceFirst("^error: ", "");
      throw new VaultException("the session agent could not be started: " + reason);
    }
  }

  /** The class path with every entry absolute, as the agent runs from the root directory. */
  private static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
