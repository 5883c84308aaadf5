package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.LogChain;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.PostgresSyncStore;
import dev.memvault.server.store.SyncStore;
import io.grpc.ManagedChannel;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two server processes behind one load balancer, sharing one PostgreSQL database and one secret (as
 * in PostgresSyncStoreTest: one embedded PostgreSQL for the class, a fresh database per test): what
 * one issues, the other accepts, and a Watch on one hears pushes through the other.
 */
class TwoServersOneDatabaseTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice device = TestDevice.newVault();
  private ManagedChannel first;
  private ManagedChannel second;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void startTwoServers() throws Exception {
    String database = "server_test_" + DATABASES.incrementAndGet();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database + " TEMPLATE template0 STRATEGY FILE_COPY");
    }
    String url = postgres.getJdbcUrl("postgres", database);
    first = fixture.channel(fixture.startAnother(open(url), fixture.defaults().build()));
    second = fixture.channel(fixture.startAnother(open(url), fixture.defaults().build()));
  }

  private static SyncStore open(String url) {
    return PostgresSyncStore.open(url, "postgres", null, Limits.DEFAULTS.storeLimits());
  }

  @Test
  void challengeFromOne_authenticatesAtOther_andTokensWorkAtBoth() {
    device.register(AuthServiceGrpc.newBlockingStub(first));
    GetChallengeResponse challenge = device.challenge(AuthServiceGrpc.newBlockingStub(first));

    String token =
        AuthServiceGrpc.newBlockingStub(second)
            .authenticate(device.proof(challenge))
            .getSessionToken();

    push(first, token, 1, 2);
    assertEquals(3, push(second, token, 3, 3).getHead().getSeq());
  }

  @Test
  void watchOnOne_pushThroughOther_backlogThenLiveEntries() throws Exception {
    String token = device.register(AuthServiceGrpc.newBlockingStub(first));
    push(first, token, 1, 2);
    WatchStream watch =
        WatchStream.open(ServerFixture.withToken(SyncServiceGrpc.newStub(second), token), 0);
    List<LogEntry> seen = new ArrayList<>(watch.next(2, 1));

    push(first, token, 3, 5);
    seen.addAll(watch.next(3, 3));
    push(second, token, 6, 6);
    seen.addAll(watch.next(1, 6));

    LogChain.verifyExtends(LogChain.emptyHead(), seen, device.vaultId);
    watch.cancel();
  }

  private PushResponse push(ManagedChannel channel, String token, long from, long to) {
    return ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel), token)
        .push(PushRequest.newBuilder().addAllChanges(device.changes(from, to)).build());
  }
}
