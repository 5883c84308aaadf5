package dev.memvault.bench;

import com.google.protobuf.ByteString;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.Replica;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.SigningInputs;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.DeviceJoin;
import dev.memvault.sdk.sync.DeviceLinking;
import dev.memvault.sdk.sync.SyncClient;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Everything the sync benchmarks do to register, link and sign in devices, in this one class.
 * Registration and linking go through client-sdk ({@link SyncClient}, {@link DeviceLinking}, {@link
 * DeviceJoin}), as {@code memvault sync}, {@code device link} and {@code join} do; sign-in repeats
 * SyncClient's challenge signature, because SyncClient keeps its session token to itself and the
 * benchmarks time the Push and Watch calls alone.
 */
final class DeviceSession {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Duration LINK_TIMEOUT = Duration.ofMinutes(2);

  private DeviceSession() {}

  /**
   * Registers the vault and its device with the server (first sync), pushing and acknowledging
   * whatever the outbox holds; returns the seq of the vault's log head afterwards.
   */
  static long register(MemoryVault vault, String serverUrl) {
    try (SyncClient client = SyncClient.connect(vault, serverUrl)) {
      return client.sync().seq();
    }
  }

  /**
   * Links a new device to {@code existing}'s vault with a pairing code, both sides in this process:
   * {@code existing} opens the pairing and approves on another thread while the new device joins
   * into {@code directory} and makes its first sync, which pulls and applies the whole log.
   */
  static DeviceJoin.Joined join(MemoryVault existing, String serverUrl, Path directory) {
    try (SyncClient client = SyncClient.connect(existing, serverUrl)) {
      DeviceLinking linking = DeviceLinking.start(client);
      CompletableFuture<String> approved =
          CompletableFuture.supplyAsync(() -> linking.approve(LINK_TIMEOUT));
      DeviceJoin.Joined joined =
          DeviceJoin.withCode(
              directory, BenchDevice.PASSPHRASE, serverUrl, linking.code(), LINK_TIMEOUT);
      approved.join();
      return joined;
    }
  }

  /** A plaintext channel to a server on this machine: one TCP connection, as one device has. */
  static ManagedChannel channel(int port) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
        .build();
  }

  /** Signs the vault's device in and returns the session header for the SyncService stubs. */
  static Metadata signIn(Channel channel, Replica vault) {
    return signIn(channel, vault.vaultIdBytes(), vault.deviceIdBytes(), vault.deviceSigningKey());
  }

  /** Signs device {@code deviceId} of vault {@code vaultId} in with its key; the session header. */
  static Metadata signIn(Channel channel, byte[] vaultId, byte[] deviceId, DeviceSigningKey key) {
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
    return session(auth.authenticate(proof(auth, vaultId, deviceId, key)).getSessionToken());
  }

  /** The session header for {@code token}, as SyncClient sends it. */
  static Metadata session(String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return headers;
  }

  /**
   * A fresh challenge of the server, signed by the device as SyncClient signs it: what Authenticate
   * takes, and RegisterVault too.
   */
  static AuthenticateRequest proof(
      AuthServiceGrpc.AuthServiceBlockingStub auth,
      byte[] vaultId,
      byte[] deviceId,
      DeviceSigningKey key) {
    GetChallengeResponse challenge =
        auth.getChallenge(
            GetChallengeRequest.newBuilder()
                .setVaultId(ByteString.copyFrom(vaultId))
                .setDeviceId(ByteString.copyFrom(deviceId))
                .build());
    if (!SigningInputs.AUTHENTICATE_PURPOSE.equals(challenge.getPurpose())) {
      throw new IllegalStateException("the server asked to sign something other than a sign-in");
    }
    byte[] signed =
        SigningInputs.authentication(
            challenge.getServerId(),
            challenge.getPurpose(),
            vaultId,
            deviceId,
            challenge.getNonce().toByteArray());
    return AuthenticateRequest.newBuilder()
        .setVaultId(ByteString.copyFrom(vaultId))
        .setDeviceId(ByteString.copyFrom(deviceId))
        .setNonce(challenge.getNonce())
        .setSignature(ByteString.copyFrom(key.sign(signed)))
        .build();
  }

  static SyncServiceGrpc.SyncServiceBlockingStub blocking(Channel channel, Metadata session) {
    return SyncServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(session));
  }

  static SyncServiceGrpc.SyncServiceStub async(Channel channel, Metadata session) {
    return SyncServiceGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(session));
  }
}
