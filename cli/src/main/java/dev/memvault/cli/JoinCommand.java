package dev.memvault.cli;

import dev.memvault.sdk.sync.DeviceJoin;
import dev.memvault.sdk.sync.PairingCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "join",
    description = {
      "Make this machine a new device of an existing vault.",
      "In a new vault directory:",
      "  with --code, the pairing code that 'memvault device link' shows on a device of the vault;",
      "  with --recovery, the vault's recovery key (MEMVAULT_RECOVERY_KEY or a prompt), when no",
      "  other device is at hand.",
      "This device sets its own passphrase (MEMVAULT_PASSPHRASE, or asked twice), then syncs."
    })
final class JoinCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The vault's sync server: http://host:port or https://host:port.")
  String server;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Way way;

  static final class Way {
    @Option(names = "--code", paramLabel = "CODE", description = "The one-time pairing code.")
    String code;

    @Option(names = "--recovery", description = "Join with the vault's recovery key.")
    boolean recovery;
  }

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long to wait for the other device to approve (with --code).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    Path directory = vault.directory();
    Secrets secrets = vault.secrets();
    PairingCode code = way.code == null ? null : PairingCode.parse(way.code);
    String recoveryKey = way.recovery ? secrets.recoveryKey() : null;
    char[] passphrase = secrets.newPassphrase(Secrets.PASSPHRASE);
    DeviceJoin.Joined joined;
    try {
      if (code != null) {
        context.err().println("Waiting for the other device to approve ...");
        context.err().flush();
        joined =
            DeviceJoin.withCode(
                directory, passphrase, server, code, Duration.ofSeconds(timeoutSeconds));
      } else {
        joined = DeviceJoin.withRecovery(directory, passphrase, server, recoveryKey);
      }
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    try (var opened = joined.vault()) {
      context
          .out()
          .println(
              "joined the vault as device "
                  + opened.deviceId()
                  + " at "
                  + directory
                  + "; pulled "
                  + joined.firstSync().pulled()
                  + " change(s) ("
                  + joined.firstSync().revisionsApplied()
                  + " memory revision(s))");
    }
    return Main.OK;
  }
}
