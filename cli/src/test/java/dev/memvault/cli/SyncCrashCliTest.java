package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.v1.Kind;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sync clients killed with SIGKILL in the middle of their work, as real processes against a real
 * server process: the next sync carries on, and the server's log and the other device end up with
 * every change exactly once.
 */
class SyncCrashCliTest {
  private static final String PASSPHRASE = "crash test passphrase";
  private static final int MEMORIES = 3_000;

  @TempDir Path temp;
  private ServerProcess server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void sync_clientsKilledMidPushAndMidPull_nextSyncFinishesWithNothingDuplicatedOrLost()
      throws Exception {
    server = new ServerProcess(temp.resolve("server-data"), temp);
    CliRunner laptop = new CliRunner(temp.resolve("laptop"), PASSPHRASE);
    CliRunner.Result init = laptop.run("init");
    assertEquals(0, init.exitCode(), init.err());
    String recoveryKey = CliRunner.recoveryKey(init.out());
    try (MemoryVault vault = MemoryVault.open(temp.resolve("laptop"), PASSPHRASE.toCharArray())) {
      List<NewMemory> memories = new ArrayList<>();
      for (int i = 0; i < MEMORIES; i++) {
        memories.add(NewMemory.of("work", Kind.NOTE, "crash test memory number " + i));
      }
      vault.addAll(memories);
    }
    int changes = MEMORIES + 1; // and the scope

    // Killed once the server holds part of the push (pushes go in batches of 200).
    Process push = laptop.start(temp.resolve("push.err").toFile(), "sync", "--server", server.url());
    awaitTrue(() -> logCount() > 0 || !push.isAlive(), "the push started");
    push.destroyForcibly();
    push.waitFor(30, TimeUnit.SECONDS);
    long afterKill = logCount();
    assertTrue(afterKill > 0, "part of the push was stored before the kill");

    CliRunner.Result resumed = laptop.run("sync");
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(changes, logCount(), "every change once");
    assertEquals(changes, distinctChangeIds());

    // A new device joins with the recovery key; it is killed while it pulls and applies.
    CliRunner phone =
        new CliRunner(temp.resolve("phone"), PASSPHRASE)
            .withEnv("MEMVAULT_RECOVERY_KEY", recoveryKey);
    File joinLog = temp.resolve("join.err").toFile();
    Process join = phone.start(joinLog, "join", "--server", server.url(), "--recovery");
    Path phoneHeader = temp.resolve("phone").resolve("vault.header");
    awaitTrue(() -> Files.exists(phoneHeader) || !join.isAlive(), "the new device was created");
    assertTrue(Files.exists(phoneHeader), Files.readString(joinLog.toPath()));
    Thread.sleep(300);
    join.destroyForcibly();
    join.waitFor(30, TimeUnit.SECONDS);

    CliRunner.Result finished = phone.run("sync");
    assertEquals(0, finished.exitCode(), finished.err());
    CliRunner.Result scopes = phone.run("scopes", "--json");
    assertTrue(scopes.out().contains("\"memories\":" + MEMORIES), scopes.out());
    CliRunner.Result again = phone.run("sync");
    assertTrue(again.out().startsWith("pushed 0 change(s); pulled 0"), again.out());
    assertEquals(changes, logCount(), "the new device pushed nothing twice");
  }

  @Test
  void sync_serverKilledMidPush_clientSaysSoAndTheNextSyncAfterRestartStoresEverythingOnce()
      throws Exception {
    server = new ServerProcess(temp.resolve("server-data"), temp);
    CliRunner laptop = new CliRunner(temp.resolve("laptop"), PASSPHRASE);
    assertEquals(0, laptop.run("init").exitCode());
    try (MemoryVault vault = MemoryVault.open(temp.resolve("laptop"), PASSPHRASE.toCharArray())) {
      List<NewMemory> memories = new ArrayList<>();
      for (int i = 0; i < MEMORIES; i++) {
        memories.add(NewMemory.of("work", Kind.NOTE, "crash test memory number " + i));
      }
      vault.addAll(memories);
    }
    int changes = MEMORIES + 1;

    File pushLog = temp.resolve("push.err").toFile();
    Process push = laptop.start(pushLog, "sync", "--server", server.url());
    awaitTrue(() -> logCount() > 0 || !push.isAlive(), "the push started");
    server.kill();
    assertTrue(push.waitFor(120, TimeUnit.SECONDS));
    if (push.exitValue() != 0) {
      // The usual case: the server died under the push. One line, no stack trace.
      String err = Files.readString(pushLog.toPath());
      assertEquals(1, push.exitValue(), err);
      assertTrue(err.contains("cannot reach the sync server"), err);
      assertEquals(1, err.lines().count(), err);
    }

    server.start();
    CliRunner.Result resumed = laptop.run("sync");
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(changes, logCount(), "every change once");
    assertEquals(changes, distinctChangeIds());
    CliRunner.Result again = laptop.run("sync");
    assertTrue(again.out().startsWith("pushed 0 change(s); pulled 0"), again.out());
  }

  private long logCount() {
    return query("SELECT COUNT(*) FROM log_entries");
  }

  private long distinctChangeIds() {
    return query("SELECT COUNT(DISTINCT change_id) FROM log_entries");
  }

  /** Reads the server's embedded database directly, as an operator could. */
  private long query(String sql) {
    Path database = server.data().resolve("sync.db");
    if (!Files.exists(database)) {
      return 0;
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    } catch (SQLException e) {
      return 0; // not created yet, or busy: asked again
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out: " + what);
      }
      Thread.sleep(20);
    }
  }
}
