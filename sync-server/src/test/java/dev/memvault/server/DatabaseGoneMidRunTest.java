package dev.memvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.LogChain;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process whose PostgreSQL goes away while it runs, and comes back on the same port and
 * data directory: meanwhile calls are answered UNAVAILABLE with the fixed STORE_UNAVAILABLE reason
 * and the process keeps running; once the database is back it serves again without a restart, and
 * nothing it acknowledged before is lost.
 */
class DatabaseGoneMidRunTest {
  private static final Map<String, String> ENV = Map.of(ServerMain.SECRET_ENV, "6d".repeat(32));

  /** The start of the one line logged when the database goes away, as the process prints it. */
  private static final String OUTAGE_BEGINS =
      "\\S+ WARNING dev\\.memvault\\.server\\.store\\.DatabaseOutage: the sync database cannot"
          + " be reached ";

  private static final String DATABASE_BACK =
      "INFO dev.memvault.server.store.DatabaseOutage: the sync database answers again";

  @TempDir Path temp;

  @Test
  void postgres_stoppedThenStartedAgain_unavailableMeanwhileThenServesWithoutRestart()
      throws Exception {
    Path data = temp.resolve("postgres-data");
    EmbeddedPostgres postgres = postgres(data, 0);
    int port = postgres.getPort();
    Path log = temp.resolve("server.log");
    ServerProcess server = null;
    ManagedChannel channel = null;
    try {
      server =
          ServerProcess.start(
              log,
              ENV,
              List.of(
                  "--postgres",
                  postgres.getJdbcUrl("postgres", "postgres"),
                  "--postgres-user",
                  "postgres"));
      channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", server.port, InsecureChannelCredentials.create())
              .build();
      TestDevice device = TestDevice.newVault();
      String token = device.register(AuthServiceGrpc.newBlockingStub(channel));
      SyncServiceGrpc.SyncServiceBlockingStub sync =
          ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(channel), token);
      List<LogEntry> acknowledged =
          sync.push(PushRequest.newBuilder().addAllChanges(device.changes(1, 5)).build())
              .getEntriesList();
      long logLinesBefore = Files.readAllLines(log).size();

      postgres.close();

      for (int call = 0; call < 3; call++) {
        StatusRuntimeException refused =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    sync.push(
                        PushRequest.newBuilder().addAllChanges(device.changes(6, 10)).build()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
        assertEquals(
            ErrorReason.STORE_UNAVAILABLE.description(), refused.getStatus().getDescription());
        assertEquals(ErrorReason.STORE_UNAVAILABLE, ErrorReason.of(refused).orElseThrow());
      }
      assertTrue(server.process.isAlive());
      List<String> during = linesSince(log, logLinesBefore);
      assertEquals(1, during.size(), "one line for the outage, not one per call: " + during);
      assertTrue(
          during
              .get(0)
              .matches(
                  OUTAGE_BEGINS
                      + "\\(SQL state [0-9A-Z]{5}: .+\\); calls are answered"
                      + " UNAVAILABLE until it is back"),
          during.get(0));

      postgres = postgres(data, port);

      sync.push(PushRequest.newBuilder().addAllChanges(device.changes(6, 10)).build());
      List<String> after = linesSince(log, logLinesBefore + 1);
      assertTrue(after.stream().anyMatch(line -> line.endsWith(DATABASE_BACK)), "logged: " + after);
      assertTrue(
          after.stream().noneMatch(line -> line.startsWith("\tat ")), "no stack trace: " + after);
      List<LogEntry> all = new ArrayList<>();
      sync.pull(PullRequest.newBuilder().setPageSize(50).build())
          .forEachRemaining(page -> all.addAll(page.getEntriesList()));
      LogChain.verifyExtends(LogChain.emptyHead(), all, device.vaultId);
      assertEquals(10, all.size());
      assertEquals(acknowledged, all.subList(0, 5));
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (server != null) {
        server.terminate();
        server.process.waitFor(30, TimeUnit.SECONDS);
      }
      postgres.close();
    }
  }

  private static List<String> linesSince(Path log, long skipped) throws Exception {
    return Files.readAllLines(log).stream().skip(skipped).toList();
  }

  /** PostgreSQL on {@code data}, kept when it stops, on {@code port} (0: a free one). */
  private static EmbeddedPostgres postgres(Path data, int port) throws Exception {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
    if (port != 0) {
      builder.setPort(port);
    }
    return builder.start();
  }
}
