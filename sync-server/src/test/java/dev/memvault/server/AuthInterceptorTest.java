package dev.memvault.server;

import static dev.memvault.server.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.proto.sync.v1.ListDevicesRequest;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.auth.AuthInterceptor;
import dev.memvault.server.auth.AuthenticatedDevice;
import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The session gate of SyncService: which tokens get through, and what the others get. */
class AuthInterceptorTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice device = TestDevice.newVault();

  private static final ListDevicesRequest LIST = ListDevicesRequest.getDefaultInstance();

  @Test
  void call_noAuthorization_authRequired() {
    fixture.server();

    assertRejected(
        ErrorReason.AUTH_REQUIRED,
        () -> SyncServiceGrpc.newBlockingStub(fixture.channel()).listDevices(LIST));
  }

  @Test
  void call_notBearer_authRequired() {
    String token = fixture.registered(device);
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Basic " + token);

    assertRejected(
        ErrorReason.AUTH_REQUIRED,
        () ->
            SyncServiceGrpc.newBlockingStub(fixture.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .listDevices(LIST));
  }

  @Test
  void call_validToken_passesEveryMethod() {
    String token = fixture.registered(device);

    fixture.sync(token).listDevices(LIST);
    fixture.sync(token).push(PushRequest.getDefaultInstance());
    fixture.sync(token).pull(PullRequest.getDefaultInstance()).forEachRemaining(page -> {});
  }

  @Test
  void call_everyTokenByteChanged_authRequired() {
    String token = fixture.registered(device);
    byte[] bytes = Base64.getUrlDecoder().decode(token);

    for (int i = 0; i < bytes.length; i++) {
      byte[] forged = bytes.clone();
      forged[i] ^= 0x01;
      String forgedToken = Base64.getUrlEncoder().withoutPadding().encodeToString(forged);
      assertRejected(ErrorReason.AUTH_REQUIRED, () -> fixture.sync(forgedToken).listDevices(LIST));
    }
  }

  @Test
  void call_garbageTokens_authRequired() {
    fixture.registered(device);

    for (String garbage : new String[] {"", "x", "!!!!", "a".repeat(96), "a".repeat(10_000)}) {
      assertRejected(ErrorReason.AUTH_REQUIRED, () -> fixture.sync(garbage).listDevices(LIST));
    }
  }

  @Test
  void call_tokenWithLaterExpiryButOldMac_authRequired() {
    String token = fixture.registered(device);
    byte[] bytes = Base64.getUrlDecoder().decode(token);
    bytes[32 + 7] += 1; // the expiry's last byte: one millisecond more
    String extended = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

    assertRejected(ErrorReason.AUTH_REQUIRED, () -> fixture.sync(extended).listDevices(LIST));
  }

  @Test
  void call_tokenOfServerWithAnotherSecret_authRequired() {
    fixture.server();
    String otherServer =
        fixture.startAnother(
            EmbeddedSyncStore.open(fixture.newDirectory(), Limits.DEFAULTS.storeLimits()),
            ServerConfig.builder(ServerFixture.SERVER_ID, ServerSecret.generate(new SecureRandom()))
                .clock(fixture.clock)
                .build());
    String foreignToken =
        device.register(
            dev.memvault.proto.sync.v1.AuthServiceGrpc.newBlockingStub(
                fixture.channel(otherServer)));
    fixture.store().registerVault(device.vaultId, device.registration(fixture.clock.millis()));

    assertRejected(ErrorReason.AUTH_REQUIRED, () -> fixture.sync(foreignToken).listDevices(LIST));
  }

  @Test
  void call_tokenExpired_sessionExpired() {
    String token = fixture.registered(device);
    fixture.clock.advance(Duration.ofMinutes(15).minusMillis(1));
    fixture.sync(token).listDevices(LIST);
    fixture.clock.advance(Duration.ofMillis(1));

    assertRejected(ErrorReason.SESSION_EXPIRED, () -> fixture.sync(token).listDevices(LIST));
  }

  @Test
  void call_sessionTtlConfigured_expiresThen() {
    fixture.start(config -> config.sessionTtl(Duration.ofMinutes(2)));
    String token = fixture.registered(device);
    fixture.clock.advance(Duration.ofMinutes(2));

    assertRejected(ErrorReason.SESSION_EXPIRED, () -> fixture.sync(token).listDevices(LIST));
  }

  @Test
  void call_deviceRevokedAfterSignIn_deviceRevokedAtOnce() {
    String token = fixture.registered(device);
    fixture.sync(token).listDevices(LIST);

    assertTrue(
        fixture.store().revokeDevice(device.vaultId, device.deviceId, fixture.clock.millis()));

    assertRejected(ErrorReason.DEVICE_REVOKED, () -> fixture.sync(token).listDevices(LIST));
    assertRejected(
        ErrorReason.DEVICE_REVOKED,
        () ->
            fixture
                .sync(token)
                .push(PushRequest.newBuilder().addChanges(device.change(1)).build()));
    assertEquals(2, fixture.server().metrics().authFailures("DEVICE_REVOKED"));
  }

  @Test
  void current_outsideInterceptor_failsLoudly() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, AuthenticatedDevice::current);

    assertTrue(e.getMessage().contains("AuthInterceptor"), e.getMessage());
  }
}
