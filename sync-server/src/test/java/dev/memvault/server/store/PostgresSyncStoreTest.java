package dev.memvault.server.store;

import static dev.memvault.server.store.Fixtures.ACCEPTED_AT;
import static dev.memvault.server.store.Fixtures.change;
import static dev.memvault.server.store.Fixtures.changes;
import static dev.memvault.server.store.Fixtures.device;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.server.store.SyncStore.Appended;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real PostgreSQL (one server for the class, a fresh database per test), and what
 * only a shared database does: two stores on one database stand for two server processes.
 */
class PostgresSyncStoreTest extends SyncStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private String database;
  private final List<SyncStore> others = new ArrayList<>();

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  void createStorage() throws SQLException {
    database = "sync_test_" + DATABASES.incrementAndGet();
    // FILE_COPY: copying the tiny template is faster than WAL-logging it.
    admin("CREATE DATABASE " + database + " TEMPLATE template0 STRATEGY FILE_COPY");
  }

  /** Through the URL, as the server's configuration gives it: the store's own pool. */
  @Override
  SyncStore openStore(StoreLimits limits) {
    return PostgresSyncStore.open(
        postgres.getJdbcUrl("postgres", database), "postgres", null, limits);
  }

  /** Another server process on the same database, through a plain DataSource. */
  SyncStore openOther() {
    SyncStore other = PostgresSyncStore.open(dataSource(), LIMITS);
    others.add(other);
    return other;
  }

  DataSource dataSource() {
    return postgres.getDatabase("postgres", database);
  }

  @Override
  void dropStorage() throws SQLException {
    for (SyncStore other : others) {
      other.close();
    }
    admin("DROP DATABASE " + database + " WITH (FORCE)");
  }

  private static void admin(String sql) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Test
  void twoProcesses_appendThroughOne_notifiesSubscriberOfOther() throws Exception {
    SyncStore other = openOther();
    store.registerVault(VAULT, device(1));
    BlockingQueue<Appended> notices = new LinkedBlockingQueue<>();
    AutoCloseable subscription = other.subscribe(notices::add);

    List<LogEntry> entries = store.append(VAULT, changes(1, 2), ACCEPTED_AT);

    Appended notice = notices.poll(NOTICE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertTrue(notice != null, "no notice within " + NOTICE_TIMEOUT_SECONDS + " s");
    assertArrayEquals(VAULT, notice.vaultId());
    assertEquals(headOf(entries.get(1)), notice.head());
    subscription.close();
  }

  @Test
  void twoProcesses_concurrentAppendsThroughBoth_gaplessVerifiableChain() throws Exception {
    SyncStore other = openOther();
    store.registerVault(VAULT, device(1));

    appendConcurrently(List.of(store, other), VAULT, 4, 40);

    assertGaplessChainWithEachChangeOnce(readAll(other, VAULT), VAULT, 160);
    assertEquals(store.head(VAULT), other.head(VAULT));
  }

  @Test
  void twoProcesses_sameChangeIdAtOnceThroughBoth_storedOnceAndBothGetIt() throws Exception {
    SyncStore other = openOther();
    store.registerVault(VAULT, device(1));
    int rounds = 25;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier together = new CyclicBarrier(2);
      for (long n = 1; n <= rounds; n++) {
        List<Future<LogEntry>> results = new ArrayList<>();
        for (SyncStore through : List.of(store, other)) {
          long changeNumber = n;
          results.add(
              pool.submit(
                  () -> {
                    together.await(1, TimeUnit.MINUTES);
                    return through.append(VAULT, List.of(change(changeNumber)), ACCEPTED_AT).get(0);
                  }));
        }
        assertEquals(
            results.get(0).get(1, TimeUnit.MINUTES), results.get(1).get(1, TimeUnit.MINUTES));
      }
    } finally {
      pool.shutdownNow();
    }

    assertGaplessChainWithEachChangeOnce(readAll(store, VAULT), VAULT, rounds);
  }

  @Test
  void twoProcesses_concurrentAppendsPastQuota_stopExactlyAtQuota() throws Exception {
    // Every change counts the same here, so the quota fits exactly ten of them.
    long quota = 10 * JdbcSyncStore.countedBytes(change(1000));
    SyncStore first = reopen(new StoreLimits(quota));
    SyncStore second = PostgresSyncStore.open(dataSource(), new StoreLimits(quota));
    others.add(second);
    first.registerVault(VAULT, device(1));
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CyclicBarrier together = new CyclicBarrier(4);
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        SyncStore through = t % 2 == 0 ? first : second;
        long from = 1000 + 10L * t;
        results.add(
            pool.submit(
                () -> {
                  together.await(1, TimeUnit.MINUTES);
                  for (long n = from; n < from + 10; n++) {
                    try {
                      through.append(VAULT, List.of(change(n)), ACCEPTED_AT);
                    } catch (SyncStore.QuotaExceededException e) {
                      refused.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> result : results) {
        result.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(30, refused.get());
    assertEquals(quota, first.storedBytes(VAULT));
    assertGaplessChainWithEachChangeOnce(readAll(first, VAULT), VAULT, 10);
  }

  @Test
  void twoProcesses_startingTogether_migrateOnce() throws Exception {
    store.close();
    store = null;
    admin("DROP DATABASE " + database + " WITH (FORCE)");
    createStorage();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      CyclicBarrier together = new CyclicBarrier(3);
      List<Future<SyncStore>> opening = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        opening.add(
            pool.submit(
                () -> {
                  together.await(1, TimeUnit.MINUTES);
                  return PostgresSyncStore.open(dataSource(), LIMITS);
                }));
      }
      for (Future<SyncStore> future : opening) {
        others.add(future.get(1, TimeUnit.MINUTES));
      }
    } finally {
      pool.shutdownNow();
    }

    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT count(*), max(version) FROM schema_migrations")) {
      rows.next();
      assertEquals(PostgresSchema.latestVersion(), rows.getInt(1));
      assertEquals(PostgresSchema.latestVersion(), rows.getInt(2));
    }
    assertTrue(others.get(0).registerVault(VAULT, device(1)));
    store = openStore(LIMITS);
  }

  @Test
  void subscribe_appendWhileListenerCannotReconnect_deliveredOnReconnect() throws Exception {
    store.registerVault(VAULT, device(1));
    store.head(VAULT); // the store's pool holds open connections from here on
    BlockingQueue<Appended> notices = new LinkedBlockingQueue<>();
    AutoCloseable subscription = store.subscribe(notices::add);
    admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
    try {
      assertEquals(1, terminateListeners(), "the listening connection was found and terminated");

      // No NOTIFY reaches this process now: only the catch-up after reconnecting can tell.
      List<LogEntry> entries = store.append(VAULT, changes(1, 1), ACCEPTED_AT);
      assertEquals(null, notices.poll(300, TimeUnit.MILLISECONDS));

      admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
      Appended notice = notices.poll(NOTICE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertTrue(notice != null, "no notice within " + NOTICE_TIMEOUT_SECONDS + " s");
      assertEquals(headOf(entries.get(0)), notice.head());
    } finally {
      admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
    }

    // And it listens again.
    List<LogEntry> later = store.append(VAULT, changes(2, 2), ACCEPTED_AT);
    Appended notice = notices.poll(NOTICE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertTrue(notice != null, "no notice within " + NOTICE_TIMEOUT_SECONDS + " s");
    assertEquals(headOf(later.get(0)), notice.head());
    subscription.close();
  }

  private int terminateListeners() throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = '"
                    + PostgresNotifications.APPLICATION_NAME
                    + "' AND datname = '"
                    + database
                    + "'")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
