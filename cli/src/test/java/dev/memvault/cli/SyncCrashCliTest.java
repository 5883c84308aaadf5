package dev.memvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.v1.Kind;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sync clients killed with SIGKILL in the middle of their work, as real processes against a real
 * server process: the next sync carries on, and the server's log and the other device end up with
 * every change exactly once.
 */
class SyncCrashCliTest {
  private static final String PASSPHRASE = "crash test passphrase";
  private static final int MEMORIES = 3_000;
  private static final Pattern APPLIED =
      Pattern.compile(
          Pattern.quote(PausingSyncMain.MARKER)
              + " pulled (\\d+) revisions (\\d+) at log entry (\\d+)");
  private static final Pattern SYNC_REPORT =
      Pattern.compile("pushed (\\d+) change\\(s\\); pulled (\\d+) .* at log entry (\\d+)");
  private static final Pattern MEMORIES_FIELD = Pattern.compile("\"memories\":(\\d+)");

  @TempDir Path temp;
  private ServerProcess server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void sync_clientsKilledMidPushAndMidPull_nextSyncFinishesWithNothingDuplicatedOrLost()
      throws Exception {
    server = new ServerProcess(temp.resolve("server-data"), temp);
    CliRunner laptop = new CliRunner(temp.resolve("laptop"), PASSPHRASE);
    CliRunner.Result init = laptop.run("init");
    assertEquals(0, init.exitCode(), init.err());
    String recoveryKey = CliRunner.recoveryKey(init.out());
    CliRunner.Result registered = laptop.run("sync", "--server", server.url());
    assertEquals(0, registered.exitCode(), registered.err());
    long before = logCount();

    // A new device joins with the recovery key while the log is short: its later sync has
    // every memory below to pull.
    CliRunner phone =
        new CliRunner(temp.resolve("phone"), PASSPHRASE)
            .withEnv("MEMVAULT_RECOVERY_KEY", recoveryKey);
    CliRunner.Result joined = phone.run("join", "--server", server.url(), "--recovery");
    assertEquals(0, joined.exitCode(), joined.err());

    try (MemoryVault vault = MemoryVault.open(temp.resolve("laptop"), PASSPHRASE.toCharArray())) {
      List<NewMemory> memories = new ArrayList<>();
      for (int i = 0; i < MEMORIES; i++) {
        memories.add(NewMemory.of("work", Kind.NOTE, "crash test memory number " + i));
      }
      vault.addAll(memories);
    }
    long changes = before + MEMORIES + 1; // and the scope

    // Killed once the server holds part of the push (pushes go in batches of 200).
    Process push =
        laptop.start(temp.resolve("push.err").toFile(), "sync", "--server", server.url());
    awaitTrue(() -> logCount() > before || !push.isAlive(), "the push started");
    push.destroyForcibly();
    push.waitFor(30, TimeUnit.SECONDS);
    long afterKill = logCount();
    assertTrue(afterKill > before, "part of the push was stored before the kill");

    CliRunner.Result resumed = laptop.run("sync");
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(changes, logCount(), "every change once");
    assertEquals(changes, distinctChangeIds());

    // The phone's pull stops once its first batch is applied, and is killed there.
    File pullLog = temp.resolve("pull.err").toFile();
    Process pull = phone.startMain(PausingSyncMain.class, pullLog, "sync-pausing");
    String marker = firstBatchMarker(pull, pullLog);
    pull.destroyForcibly();
    assertTrue(pull.waitFor(30, TimeUnit.SECONDS), "the paused pull was killed");
    Matcher applied = APPLIED.matcher(marker);
    assertTrue(applied.matches(), marker);
    long memoriesApplied = Long.parseLong(applied.group(2));
    long killedAt = Long.parseLong(applied.group(3));
    assertTrue(memoriesApplied > 0, marker);
    assertTrue(killedAt < changes, "killed mid-pull, the cursor short of the head: " + marker);

    // The vault opens with that batch applied whole and nothing of the next one.
    CliRunner.Result afterPullKill = phone.run("scopes", "--json");
    assertEquals(0, afterPullKill.exitCode(), afterPullKill.err());
    assertEquals(memoriesApplied, memories(afterPullKill.out()), afterPullKill.out());

    // The next sync pulls exactly what lies past the saved cursor.
    CliRunner.Result finished = phone.run("sync");
    assertEquals(0, finished.exitCode(), finished.err());
    Matcher report = SYNC_REPORT.matcher(finished.out().strip());
    assertTrue(report.matches(), finished.out());
    assertEquals(0, Long.parseLong(report.group(1)), finished.out());
    long head = Long.parseLong(report.group(3));
    assertEquals(
        head - killedAt - checkpointsBetween(killedAt, head), Long.parseLong(report.group(2)));
    CliRunner.Result scopes = phone.run("scopes", "--json");
    assertEquals(MEMORIES, memories(scopes.out()), scopes.out());
    CliRunner.Result again = phone.run("sync");
    assertTrue(again.out().startsWith("pushed 0 change(s); pulled 0"), again.out());
    assertEquals(changes, logCount(), "the new device pushed nothing twice");
  }

  /** The marker line the paused pull prints; fails with its error log if it ends without one. */
  private static String firstBatchMarker(Process pull, File errorLog) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(pull.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith(PausingSyncMain.MARKER)) {
        return line;
      }
    }
    throw new AssertionError(
        "the pull ended without applying a batch: " + Files.readString(errorLog.toPath()));
  }

  /** The memories of every scope in {@code scopes --json} output. */
  private static long memories(String scopesJson) {
    Matcher count = MEMORIES_FIELD.matcher(scopesJson);
    long total = 0;
    while (count.find()) {
      total += Long.parseLong(count.group(1));
    }
    return total;
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

  /**
   * The memory and scope changes in the server's log. Checkpoints (docs/FORMAT.md, section 14.4),
   * which a device files under its own id, are not counted: they are what it verified, not data.
   */
  private long logCount() {
    return query("SELECT COUNT(*) FROM log_entries WHERE record_id != device_id");
  }

  /** Checkpoints in the log after {@code after} up to {@code upTo}: a sync does not count them. */
  private long checkpointsBetween(long after, long upTo) {
    return query(
        "SELECT COUNT(*) FROM log_entries WHERE record_id = device_id AND seq > "
            + after
            + " AND seq <= "
            + upTo);
  }

  private long distinctChangeIds() {
    return query("SELECT COUNT(DISTINCT change_id) FROM log_entries WHERE record_id != device_id");
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
