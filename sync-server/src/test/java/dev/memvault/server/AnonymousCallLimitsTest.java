package dev.memvault.server;

import static dev.memvault.server.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AwaitKeyPackageRequest;
import dev.memvault.proto.sync.v1.GetRecoveryBundleRequest;
import dev.memvault.proto.sync.v1.PostJoinRequestRequest;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import dev.memvault.server.store.SyncStore;
import io.grpc.Attributes;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Floods of the calls that need no sign-in, over real TCP: clients on 127.0.0.1 and, bound to
 * another source address, on 127.0.0.2 (Linux routes all of 127.0.0.0/8 to loopback). The server
 * limits loopback callers here ({@code limitLoopback}), as it would any remote address.
 */
class AnonymousCallLimitsTest {
  private static final int FLOOD = 200;

  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final Limits limits =
      Limits.builder()
          .registrationsPerAddressPerHour(3)
          .recoveryCallsPerAddressPerHour(3)
          .pairingCallsPerAddressPerMinute(5)
          .limitLoopback(true)
          .build();

  private SyncServer server;
  private SyncStore store;
  private ManagedChannel flooder;
  private ManagedChannel neighbour;

  private void start(Limits serverLimits) throws Exception {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create());
    store = EmbeddedSyncStore.open(fixture.newDirectory(), serverLimits.storeLimits());
    server = fixture.startServer(builder, store, fixture.defaults().limits(serverLimits).build());
    flooder = channelFrom("127.0.0.1");
    neighbour = channelFrom("127.0.0.2");
  }

  private ManagedChannel channelFrom(String sourceAddress) {
    return fixture.track(
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .localSocketPicker(
                new NettyChannelBuilder.LocalSocketPicker() {
                  @Override
                  public SocketAddress createSocketAddress(
                      SocketAddress remoteAddress, Attributes attrs) {
                    return new InetSocketAddress(sourceAddress, 0);
                  }
                })
            .build());
  }

  @Test
  void registerVault_floodFromOneAddress_rateLimitedWhileOtherAddressAndSignInServed()
      throws Exception {
    start(limits);
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(flooder);
    TestDevice first = TestDevice.newVault();
    first.register(auth);
    TestDevice.newVault().register(auth);
    TestDevice.newVault().register(auth);

    for (int i = 0; i < FLOOD; i++) {
      assertRejected(ErrorReason.RATE_LIMITED, () -> TestDevice.newVault().register(auth));
    }

    TestDevice.newVault().register(AuthServiceGrpc.newBlockingStub(neighbour));
    assertHealthy(first);
    assertEquals(FLOOD, server.metrics().addressRateLimitedCount("REGISTRATION"));
    assertEquals(4, store.vaultCount());
    fixture.clock.advance(Duration.ofMinutes(20)); // one registration's worth back
    TestDevice.newVault().register(auth);
    assertRejected(ErrorReason.RATE_LIMITED, () -> TestDevice.newVault().register(auth));
  }

  @Test
  void getRecoveryBundle_floodFromOneAddress_rateLimitedUntilTheClockRefills() throws Exception {
    start(limits);
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(flooder);
    for (int i = 0; i < 3; i++) {
      assertRejected(ErrorReason.UNKNOWN_RECOVERY, () -> auth.getRecoveryBundle(unknownKey()));
    }

    for (int i = 0; i < FLOOD; i++) {
      assertRejected(ErrorReason.RATE_LIMITED, () -> auth.getRecoveryBundle(unknownKey()));
    }

    AuthServiceGrpc.AuthServiceBlockingStub other = AuthServiceGrpc.newBlockingStub(neighbour);
    assertRejected(ErrorReason.UNKNOWN_RECOVERY, () -> other.getRecoveryBundle(unknownKey()));
    fixture.clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertRejected(ErrorReason.UNKNOWN_RECOVERY, () -> auth.getRecoveryBundle(unknownKey()));
    }
    assertRejected(ErrorReason.RATE_LIMITED, () -> auth.getRecoveryBundle(unknownKey()));
    TestDevice device = TestDevice.newVault();
    device.register(AuthServiceGrpc.newBlockingStub(neighbour));
    assertHealthy(device);
  }

  @Test
  void pairingCalls_floodFromOneAddress_rateLimitedWhileOtherAddressServed() throws Exception {
    start(limits);
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(flooder);
    TestDevice device = TestDevice.newVault();
    device.register(auth);
    for (int i = 0; i < 5; i++) {
      assertRejected(ErrorReason.UNKNOWN_PAIRING, () -> auth.postJoinRequest(joinRequest()));
    }

    for (int i = 0; i < FLOOD; i++) {
      assertRejected(ErrorReason.RATE_LIMITED, () -> auth.postJoinRequest(joinRequest()));
      assertRejected(ErrorReason.RATE_LIMITED, () -> auth.awaitKeyPackage(keyPackagePoll()));
    }

    AuthServiceGrpc.AuthServiceBlockingStub other = AuthServiceGrpc.newBlockingStub(neighbour);
    assertRejected(ErrorReason.UNKNOWN_PAIRING, () -> other.awaitKeyPackage(keyPackagePoll()));
    assertEquals(2 * FLOOD, server.metrics().addressRateLimitedCount("PAIRING"));
    assertTrue(
        server
            .metrics()
            .prometheusText()
            .contains("memvault_address_rate_limited_total{call=\"PAIRING\"} " + 2 * FLOOD));
    assertHealthy(device);
  }

  @Test
  void loopback_exemptByDefault_registrationsPastTheAllowanceServed() throws Exception {
    start(Limits.builder().registrationsPerAddressPerHour(1).build());
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(flooder);

    for (int i = 0; i < 5; i++) {
      TestDevice.newVault().register(auth);
    }

    assertEquals(5, store.vaultCount());
    assertEquals(0, server.metrics().addressRateLimitedCount("REGISTRATION"));
  }

  /** The flooded address still signs in and pushes, and health says SERVING. */
  private void assertHealthy(TestDevice device) {
    String token = device.authenticate(AuthServiceGrpc.newBlockingStub(flooder));
    SyncServiceGrpc.SyncServiceBlockingStub sync =
        ServerFixture.withToken(SyncServiceGrpc.newBlockingStub(flooder), token);
    assertEquals(
        2,
        sync.push(PushRequest.newBuilder().addAllChanges(device.changes(1, 2)).build())
            .getHead()
            .getSeq());
    assertEquals(
        ServingStatus.SERVING,
        HealthGrpc.newBlockingStub(flooder)
            .check(HealthCheckRequest.getDefaultInstance())
            .getStatus());
  }

  /** A well-formed recovery public key no vault registered. */
  private static GetRecoveryBundleRequest unknownKey() {
    byte[] key = new byte[DeviceChain.RECOVERY_PUBLIC_KEY_LENGTH];
    System.arraycopy(TestDevice.randomId(), 0, key, 0, 16);
    return GetRecoveryBundleRequest.newBuilder()
        .setRecoveryPublicKey(ByteString.copyFrom(key))
        .build();
  }

  private static PostJoinRequestRequest joinRequest() {
    return PostJoinRequestRequest.newBuilder()
        .setPairingId(ByteString.copyFrom(TestDevice.randomId(), 0, 8))
        .setJoinRequest(ByteString.copyFromUtf8("join"))
        .build();
  }

  private static AwaitKeyPackageRequest keyPackagePoll() {
    return AwaitKeyPackageRequest.newBuilder()
        .setPairingId(ByteString.copyFrom(TestDevice.randomId(), 0, 8))
        .build();
  }
}
