package dev.memvault.server;

import static dev.memvault.server.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.limits.Limits;
import java.time.Duration;
import java.util.List;
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

  private PushResponse push(String token, List<Change> changes) {
    return fixture.sync(token).push(PushRequest.newBuilder().addAllChanges(changes).build());
  }
}
