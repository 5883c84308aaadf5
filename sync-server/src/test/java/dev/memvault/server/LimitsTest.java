package dev.memvault.server;

import static dev.memvault.server.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.OpenPairingRequest;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.devices.PairingSlots;
import dev.memvault.server.limits.Limits;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each published limit, hit through the API, with its stable reason. (The message size limit is
 * gRPC's own and needs a real transport: {@link TcpServerTest}.)
 */
class LimitsTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice device = TestDevice.newVault();

  @Test
  void defaults_areThePublishedOnes() {
    Limits limits = Limits.DEFAULTS;

    assertEquals(4 * 1024 * 1024, limits.maxMessageBytes());
    assertEquals(500, limits.maxChangesPerPush());
    assertEquals(1024 * 1024, limits.maxPayloadBytes());
    assertEquals(256, limits.maxSignatureBytes());
    assertEquals(500, limits.maxPageSize());
    assertEquals(100, limits.defaultPageSize());
    assertEquals(2 * 1024 * 1024, limits.maxPageBytes());
    assertEquals(1024L * 1024 * 1024, limits.maxBytesPerVault());
    assertEquals(5000, limits.rateBurstChanges());
    assertEquals(500, limits.rateChangesPerSecond());
    assertEquals(64, limits.maxWatchesPerVault());
    assertEquals(4096, limits.maxPublicKeysetBytes());
    assertEquals(10, limits.registrationsPerAddressPerHour());
    assertEquals(20, limits.recoveryCallsPerAddressPerHour());
    assertEquals(600, limits.pairingCallsPerAddressPerMinute());
    assertEquals(false, limits.limitLoopback());
    assertEquals(10_000, limits.maxVaults());
    assertEquals(100L * 1024 * 1024 * 1024, limits.maxTotalBytes());
    assertEquals(4, limits.maxOpenPairingsPerDevice());
    assertEquals(4, limits.maxPushStreamsPerDevice());
  }

  @Test
  void push_moreChangesThanAllowed_batchTooLarge() {
    fixture.start(Limits.builder().maxChangesPerPush(3).build());
    String token = fixture.registered(device);

    push(token, device.changes(1, 3));
    assertRejected(ErrorReason.BATCH_TOO_LARGE, () -> push(token, device.changes(4, 7)));
  }

  @Test
  void push_payloadOverLimit_payloadTooLarge() {
    fixture.start(Limits.builder().maxPayloadBytes(1000).build());
    String token = fixture.registered(device);

    push(token, List.of(device.change(1, new byte[1000])));
    assertRejected(
        ErrorReason.PAYLOAD_TOO_LARGE,
        () -> push(token, List.of(device.change(2, new byte[1001]))));
  }

  @Test
  void push_signatureOverLimit_payloadTooLarge() {
    String token = fixture.registered(device);
    Change change = device.change(1);
    Change padded =
        change.toBuilder()
            .setSignature(
                change
                    .getSignature()
                    .concat(com.google.protobuf.ByteString.copyFrom(new byte[300])))
            .build();

    assertRejected(ErrorReason.PAYLOAD_TOO_LARGE, () -> push(token, List.of(padded)));
  }

  @Test
  void push_pastVaultQuota_quotaExceededAndNothingStored() {
    // Each change counts its payload (1000), its signature (69: Tink prefix + Ed25519) and its
    // batch proof (2: a batch of one has no path, only its leaf count).
    fixture.start(Limits.builder().maxBytesPerVault(3 * 1071).build());
    String token = fixture.registered(device);
    push(token, List.of(device.change(1, new byte[1000]), device.change(2, new byte[1000])));

    assertRejected(
        ErrorReason.QUOTA_EXCEEDED,
        () ->
            push(token, List.of(device.change(3, new byte[1000]), device.change(4, new byte[1]))));

    assertEquals(2, push(token, List.of()).getHead().getSeq());
    push(token, List.of(device.change(3, new byte[1000]))); // exactly at the quota
  }

  @Test
  void push_fasterThanRate_rateLimitedUntilRefilled() {
    fixture.start(Limits.builder().rateBurstChanges(10).rateChangesPerSecond(5).build());
    String token = fixture.registered(device);
    push(token, device.changes(1, 6));
    push(token, device.changes(7, 10));

    assertRejected(ErrorReason.RATE_LIMITED, () -> push(token, device.changes(11, 11)));

    fixture.clock.advance(Duration.ofMillis(400)); // two tokens back
    push(token, device.changes(11, 12));
    assertRejected(ErrorReason.RATE_LIMITED, () -> push(token, device.changes(13, 13)));
  }

  @Test
  void push_rateIsPerDevice() {
    fixture.start(Limits.builder().rateBurstChanges(3).rateChangesPerSecond(1).build());
    String token = fixture.registered(device);
    TestDevice other = TestDevice.newVault();
    String otherToken = fixture.registered(other);
    push(token, device.changes(1, 3));

    push(otherToken, other.changes(1, 3));
    assertRejected(ErrorReason.RATE_LIMITED, () -> push(token, device.changes(4, 4)));
  }

  @Test
  void push_batchLargerThanBurst_neverAccepted() {
    fixture.start(Limits.builder().rateBurstChanges(2).rateChangesPerSecond(1000).build());
    String token = fixture.registered(device);

    assertRejected(ErrorReason.RATE_LIMITED, () -> push(token, device.changes(1, 3)));
  }

  @Test
  void registerVault_serverAtVaultCap_serverFullAndCountedInMetrics() {
    SyncServer server = fixture.start(Limits.builder().maxVaults(2).build());
    fixture.registered(device);
    fixture.registered(TestDevice.newVault());

    assertRejected(ErrorReason.SERVER_FULL, () -> fixture.registered(TestDevice.newVault()));

    List<String> metrics = server.metrics().prometheusText().lines().toList();
    assertTrue(metrics.contains("memvault_vaults 2"), metrics.toString());
    assertTrue(metrics.contains("memvault_vaults_max 2"), metrics.toString());
    assertTrue(
        metrics.contains("memvault_rejections_total{reason=\"SERVER_FULL\"} 1"),
        metrics.toString());
    assertEquals(2, fixture.store().vaultCount());
    fixture.sync(device.authenticate(fixture.auth())); // the vaults there still sign in
  }

  @Test
  void push_pastServerStorageCap_serverStorageFullAndNothingStored() {
    // 1071 bytes a change, as in push_pastVaultQuota_quotaExceededAndNothingStored.
    SyncServer server = fixture.start(Limits.builder().maxTotalBytes(3 * 1071).build());
    String token = fixture.registered(device);
    TestDevice other = TestDevice.newVault();
    String otherToken = fixture.registered(other);
    push(token, List.of(device.change(1, new byte[1000]), device.change(2, new byte[1000])));

    assertRejected(
        ErrorReason.SERVER_STORAGE_FULL,
        () ->
            push(
                otherToken,
                List.of(other.change(1, new byte[1000]), other.change(2, new byte[1]))));

    assertEquals(0, push(otherToken, List.of()).getHead().getSeq());
    push(otherToken, List.of(other.change(1, new byte[1000]))); // exactly at the cap
    List<String> metrics = server.metrics().prometheusText().lines().toList();
    assertTrue(metrics.contains("memvault_store_bytes " + 3 * 1071), metrics.toString());
    assertTrue(metrics.contains("memvault_store_bytes_max " + 3 * 1071), metrics.toString());
  }

  @Test
  void openPairing_deviceAtItsCap_tooManyPairingsUntilOneExpires() {
    fixture.start(Limits.builder().maxOpenPairingsPerDevice(2).build());
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(device));
    openPairing(session, 1);
    openPairing(session, 2);

    assertRejected(ErrorReason.TOO_MANY_PAIRINGS, () -> openPairing(session, 3));

    fixture.clock.advance(PairingSlots.LIFETIME);
    String fresh = device.authenticate(fixture.auth()); // the old session expired meanwhile
    openPairing(fixture.sync(fresh), 3);
  }

  @Test
  void pushStream_deviceAtItsCap_tooManyPushStreamsUntilOneEnds() throws Exception {
    fixture.start(Limits.builder().maxPushStreamsPerDevice(2).build());
    String token = fixture.registered(device);
    OpenStream first = OpenStream.pushing(fixture.asyncSync(token), device.changes(1, 1));
    OpenStream second = OpenStream.pushing(fixture.asyncSync(token), device.changes(2, 2));

    OpenStream third = OpenStream.pushing(fixture.asyncSync(token), device.changes(3, 3));
    Rejections.assertStatus(ErrorReason.TOO_MANY_PUSH_STREAMS, third.end());
    assertTrue(
        fixture.server().metrics().prometheusText().contains("memvault_push_streams_open 2\n"));

    TestDevice other = TestDevice.newVault();
    OpenStream others =
        OpenStream.pushing(fixture.asyncSync(fixture.registered(other)), other.changes(1, 1));
    first.requests.onCompleted();
    assertEquals(null, first.end());
    OpenStream fourth = OpenStream.pushing(fixture.asyncSync(token), device.changes(3, 3));
    fourth.requests.onCompleted();
    assertEquals(null, fourth.end());
    second.requests.onCompleted();
    assertEquals(null, second.end());
    others.requests.onCompleted();
    assertEquals(null, others.end());
    assertEquals(3, push(token, List.of()).getHead().getSeq());
  }

  /** A PushStream that sent one batch and, unless refused, got its answer, still open. */
  private static final class OpenStream {
    final StreamObserver<PushRequest> requests;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private static final Object END = new Object();

    private OpenStream(SyncServiceGrpc.SyncServiceStub stub) {
      requests =
          stub.pushStream(
              new StreamObserver<>() {
                @Override
                public void onNext(PushResponse response) {
                  events.add(response);
                }

                @Override
                public void onError(Throwable t) {
                  events.add(t);
                }

                @Override
                public void onCompleted() {
                  events.add(END);
                }
              });
    }

    static OpenStream pushing(SyncServiceGrpc.SyncServiceStub stub, List<Change> changes)
        throws InterruptedException {
      OpenStream stream = new OpenStream(stub);
      stream.requests.onNext(PushRequest.newBuilder().addAllChanges(changes).build());
      Object first = stream.events.poll(30, TimeUnit.SECONDS);
      assertNotNull(first, "the stream neither answered nor ended");
      if (!(first instanceof PushResponse)) {
        stream.events.add(first);
      }
      return stream;
    }

    /** How the stream ended: null for completed, else the failure. */
    Throwable end() throws InterruptedException {
      Object event = events.poll(30, TimeUnit.SECONDS);
      assertNotNull(event, "the stream did not end");
      return event == END ? null : (Throwable) event;
    }
  }

  private static void openPairing(SyncServiceGrpc.SyncServiceBlockingStub session, int n) {
    session.openPairing(
        OpenPairingRequest.newBuilder()
            .setPairingId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) n}))
            .build());
  }

  private PushResponse push(String token, List<Change> changes) {
    return fixture.sync(token).push(PushRequest.newBuilder().addAllChanges(changes).build());
  }
}
