package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import dev.memvault.sdk.sync.SyncReport;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "sync",
    description = {
      "Push local changes and pull other devices' through a sync server.",
      "The server sees only ciphertext. The URL is remembered after the first sync.",
      "After a sync server lied (two devices shown different histories), choose the device whose"
          + " memories you trust and run `sync --server URL --start-over` on it (URL: the same"
          + " server or another); then `sync --server URL --follow-new-log` on each other device."
    })
final class SyncCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "http://host:port (plaintext, for a local server) or https://host:port.")
  String server;

  @Option(
      names = "--watch",
      description =
          "Keep syncing: on every change on the server, and every 10 seconds, until stopped.")
  boolean watch;

  @Option(
      names = "--start-over",
      description =
          "Start the vault's log over at --server from this device: the device list it verified"
              + " and its whole vault, published again as its own changes, replace whatever the"
              + " server held of the vault. For after a detected lie; other devices then follow.")
  boolean startOver;

  @Option(
      names = "--follow-new-log",
      description =
          "Follow a log another device started over at --server: forget the log this device"
              + " verified and read the new one from its start. Its memories then win over this"
              + " device's; changes not yet pushed still go out.")
  boolean followNewLog;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    if ((startOver || followNewLog) && (server == null || watch || (startOver && followNewLog))) {
      throw new Main.UsageException(
          "--start-over and --follow-new-log each need --server URL, and go with neither --watch"
              + " nor each other (see 'memvault sync --help')");
    }
    try (MemoryVault opened = vault.open();
        SyncClient client =
            server == null ? SyncClient.connect(opened) : SyncClient.connect(opened, server)) {
      if (watch) {
        client.watch(
            Duration.ofSeconds(10),
            report -> print(context, report),
            wait -> {
              context
                  .err()
                  .println(
                      "cannot reach the sync server; retrying in "
                          + Math.max(1, wait.toSeconds())
                          + " s (nothing is lost meanwhile)");
              context.err().flush();
            });
      } else if (startOver) {
        SyncReport report = client.startOver();
        print(context, report);
        context
            .out()
            .println(
                "started the vault's log over at "
                    + server
                    + " from this device; on each other device run: memvault sync --server "
                    + server
                    + " --follow-new-log");
      } else if (followNewLog) {
        print(context, client.followNewLog());
      } else {
        print(context, client.sync());
      }
    }
    return Main.OK;
  }

  private static void print(CliContext context, SyncReport report) {
    context
        .out()
        .println(
            "pushed "
                + report.pushed()
                + " change(s); pulled "
                + report.pulled()
                + " ("
                + report.revisionsApplied()
                + " memory revision(s) and "
                + report.scopesApplied()
                + " scope(s) from other devices); at log entry "
                + report.seq());
    context.out().flush();
    if (report.filesWentBack()) {
      context
          .err()
          .println(
              "note: this vault's files are older than this device's last sync (restored from a"
                  + " copy?); "
                  + report.ownTakenBack()
                  + " change(s) this device made since were taken back from the sync server");
      context.err().flush();
    }
  }
}
