package dev.memvault.sdk.sync;

import dev.memvault.sdk.TestEngines;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.SigningInputs;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

import com.google.protobuf.ByteString;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.server.ServerConfig;
import dev.memvault.server.SyncServer;
import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import io.grpc.InsecureServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The real sync server on Netty over TCP on 127.0.0.1, with its embedded store in a directory,
 * inside the test JVM. Restartable on the same port and secret, on the same or another directory
 * (to roll its storage back).
 */
final class RealServer implements AutoCloseable {
  static final String SERVER_ID = "memvault-test-server";
  private static final ServerSecret SECRET = ServerSecret.generate(new SecureRandom());

  /** Bound by the first start (0 until then), and bound again by every restart. */
  private int port;
  private Path data;
  private EmbeddedSyncStore store;
  private SyncServer server;
  private Limits limits;

  RealServer(Path data) {
    this(data, Limits.DEFAULTS);
  }

  /** A server enforcing {@code limits} (for example a low rate). */
  RealServer(Path data, Limits limits) {
    this.data = data;
    this.limits = limits;
    start();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  Path data() {
    return data;
  }

  void start() {
    store = EmbeddedSyncStore.open(data, Limits.DEFAULTS.storeLimits());
    server =
        new SyncServer(
            NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create()),
            store,
            ServerConfig.builder(SERVER_ID, SECRET)
                .shutdownGrace(Duration.ofSeconds(1))
                .limits(limits)
                .build());
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The first start binds port 0: no other process can take the port between its choice and
    // the bind, as one could when a probe socket chose it and closed it again.
    port = server.port();
  }

  void stop() {
    server.close();
  }

  /** Stops, and starts again on {@code other} data (a copy from earlier: a rollback). */
  void restartOn(Path other) {
    stop();
    data = other;
    start();
  }

  /**
   * What a malicious server can do with a device it controls: sign in as that device in vault
   * {@code vaultId} (where the server itself listed it) and push the device's pending changes,
   * each with a valid signature of the device.
   */
  void pushAs(byte[] vaultId, MemoryVault device) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    try {
      DeviceSigningKey key = TestEngines.engine(device).deviceSigningKey();
      byte[] deviceId = TestEngines.engine(device).deviceIdBytes();
      AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
      GetChallengeResponse challenge =
          auth.getChallenge(
              GetChallengeRequest.newBuilder()
                  .setVaultId(ByteString.copyFrom(vaultId))
                  .setDeviceId(ByteString.copyFrom(deviceId))
                  .build());
      byte[] signed =
          SigningInputs.authentication(
              challenge.getServerId(),
              challenge.getPurpose(),
              vaultId,
              deviceId,
              challenge.getNonce().toByteArray());
      String token =
          auth.authenticate(
                  AuthenticateRequest.newBuilder()
                      .setVaultId(ByteString.copyFrom(vaultId))
                      .setDeviceId(ByteString.copyFrom(deviceId))
                      .setNonce(challenge.getNonce())
                      .setSignature(ByteString.copyFrom(key.sign(signed)))
                      .build())
              .getSessionToken();
      PushRequest push =
          PushRequest.newBuilder()
              .addAllChanges(
                  SignedChange.batch(
                      key,
                      vaultId,
                      ByteString.copyFrom(deviceId),
                      TestEngines.engine(device).pendingChanges(100)))
              .build();
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      SyncServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .push(push);
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
