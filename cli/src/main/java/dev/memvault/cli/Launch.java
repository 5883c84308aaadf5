package dev.memvault.cli;

import dev.memvault.cli.session.SessionClient;
import dev.memvault.sdk.VaultLocation;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code memvault} jar's entry point. While the vault is unlocked ({@code memvault unlock}), a
 * read-only command ({@code search}, {@code list}, {@code show}) given no passphrase is handed to
 * the session agent, which has the libraries loaded already, and this process only relays its
 * output; everything else, and every case the agent declines, runs here through {@link Main}. This
 * class loads nothing of memvault's crypto, database or search code, so that the hand-over costs a
 * JVM start and little more.
 */
public final class Launch {
  private static final Set<String> READ_ONLY = Set.of("search", "list", "show");

  /** The environment that shapes a command's output, passed to the agent; nothing else is. */
  private static final Set<String> OUTPUT_VARIABLES =
      Set.of("NO_COLOR", "TERM", "COLUMNS", "LANG", "LC_ALL", "MEMVAULT_EMBEDDING_MODEL");

  /** Set when a command must run here: a test, or a person who does not want the hand-over. */
  static final String NO_AGENT_VARIABLE = "MEMVAULT_NO_AGENT";

  private Launch() {}

  public static void main(String[] args) {
    Optional<Integer> handedOver = handOver(args, System.getenv());
    if (handedOver.isPresent()) {
      System.exit(handedOver.get());
    }
    Main.main(args);
  }

  private static Optional<Integer> handOver(String[] args, Map<String, String> environment) {
    if (environment.containsKey(NO_AGENT_VARIABLE)
        || environment.containsKey(Secrets.PASSPHRASE)
        || environment.containsKey(Secrets.PASSPHRASE_COMMAND)) {
      return Optional.empty();
    }
    List<String> rest = new ArrayList<>();
    Path vault = null;
    String command = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--vault") && i + 1 < args.length && vault == null) {
        vault = Path.of(args[++i]);
      } else if (arg.startsWith("--vault=") && vault == null) {
        vault = Path.of(arg.substring("--vault=".length()));
      } else if (arg.equals("--vault") || arg.startsWith("--vault=")) {
        return Optional.empty(); // given twice: the command's own parsing says so
      } else if (arg.startsWith("--passphrase-command")) {
        return Optional.empty();
      } else {
        if (command == null && !arg.startsWith("-")) {
          command = arg;
        }
        rest.add(arg);
      }
    }
    if (command == null || !READ_ONLY.contains(command)) {
      return Optional.empty();
    }
    Map<String, String> shown = new HashMap<>();
    for (String name : OUTPUT_VARIABLES) {
      if (environment.containsKey(name)) {
        shown.put(name, environment.get(name));
      }
    }
    Path directory = VaultLocation.resolve(vault, environment, System.getProperty("user.home"));
    return SessionClient.forVault(directory)
        .run(
            directory,
            rest,
            shown,
            System.console() != null,
            new FileOutputStream(FileDescriptor.out),
            new FileOutputStream(FileDescriptor.err));
  }
}
