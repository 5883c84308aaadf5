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
      "The server sees only ciphertext. The URL is remembered after the first sync."
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

  @Override
  public Integer call() {
    CliContext context = vault.context();
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
