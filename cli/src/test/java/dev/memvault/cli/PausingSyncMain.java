package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import dev.memvault.sdk.sync.SyncReport;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code memvault sync} as the CLI runs it (same vault opening, same client), except that once the
 * first pulled batch is applied it prints {@link #MARKER} with the counts so far and waits forever,
 * so that a test can kill it at a known point in the middle of a pull.
 */
final class PausingSyncMain {
  static final String MARKER = "applied a first pulled batch:";

  private PausingSyncMain() {}

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new MemvaultCommand(CliContext.system()));
    commandLine.addSubcommand(new PausingSync());
    System.exit(commandLine.execute(args));
  }

  /** Prints {@code MARKER pulled P at log entry S}, then blocks the syncing thread. */
  @Command(name = "sync-pausing")
  static final class PausingSync implements Callable<Integer> {
    @Mixin VaultOptions vault;

    @Override
    public Integer call() {
      CliContext context = vault.context();
      try (MemoryVault opened = vault.open();
          SyncClient client = SyncClient.connect(opened)) {
        client.setPullListener(
            soFar -> {
              print(context, soFar);
              awaitKill();
            });
        client.sync();
      }
      throw new AssertionError("the pull ended without applying a batch");
    }

    private static void print(CliContext context, SyncReport soFar) {
      context
          .out()
          .println(
              MARKER
                  + " pulled "
                  + soFar.pulled()
                  + " revisions "
                  + soFar.revisionsApplied()
                  + " at log entry "
                  + soFar.seq());
      context.out().flush();
    }

    private static void awaitKill() {
      CountDownLatch never = new CountDownLatch(1);
      while (true) {
        try {
          never.await();
        } catch (InterruptedException e) {
          // Only the kill ends this process.
        }
      }
    }
  }
}
