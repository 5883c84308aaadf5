package dev.memvault.cli;

import dev.memvault.cli.session.SessionAgentProcess;
import dev.memvault.cli.session.SessionClient;
import dev.memvault.core.vault.SessionKey;
import dev.memvault.sdk.MemoryVault;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "unlock",
    description = {
      "Type the passphrase once, then work without it for a while.",
      "Checks the passphrase, then starts a background agent that holds the vault's key in"
          + " memory (never the passphrase, never on disk) and hands it to your own commands"
          + " until the time is up or 'memvault lock'. Meanwhile any program running as you can"
          + " open the vault. Commands given a passphrase (MEMVAULT_PASSPHRASE,"
          + " --passphrase-command) use that instead; passwd, rekey and recover always ask, and"
          + " end the session.",
      "With --status: whether the vault is unlocked, and until when (exit code 0 if it is, 1 if"
          + " not)."
    })
final class UnlockCommand implements Callable<Integer> {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

  @Mixin VaultOptions vault;

  @Option(
      names = "--for",
      paramLabel = "LENGTH",
      converter = SessionLength.class,
      description = "How long: 15m, 1h30m, 90s (default: 15m; at most 12h).")
  Duration length = SessionLength.DEFAULT;

  @Option(names = "--status", description = "Say whether and until when it is unlocked.")
  boolean status;

  private final Clock clock = Clock.systemDefaultZone();

  @Override
  public Integer call() {
    CliContext context = vault.context();
    Path directory = vault.directory();
    SessionClient session = SessionClient.forVault(directory);
    if (status) {
      Optional<SessionClient.Status> unlocked = session.status();
      if (unlocked.isEmpty()) {
        context.out().println("locked");
        return Main.FAILED;
      }
      context
          .out()
          .println(
              "unlocked until "
                  + when(unlocked.get().expiresAt())
                  + " (agent pid "
                  + unlocked.get().agentPid()
                  + ")");
      return Main.OK;
    }
    Instant expiresAt;
    try (MemoryVault opened = vault.openWithPassphrase()) {
      SessionKey key = opened.sessionKey();
      try {
        // A second unlock replaces the first: one agent per vault, with the latest length.
        session.lock();
        expiresAt = clock.instant().plus(length);
        SessionAgentProcess.start(directory, key, expiresAt, UnlockAgentMain.class);
      } finally {
        key.destroy();
      }
    }
    context
        .out()
        .println(
            "unlocked until "
                + when(expiresAt)
                + " ("
                + SessionLength.spoken(length)
                + "); 'memvault lock' locks it sooner");
    return Main.OK;
  }

  private String when(Instant instant) {
    return WHEN.format(instant.atZone(ZoneId.systemDefault()));
  }
}
