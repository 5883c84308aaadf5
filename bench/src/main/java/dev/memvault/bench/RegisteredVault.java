package dev.memvault.bench;

import com.google.protobuf.ByteString;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.RegisterVaultRequest;
import io.grpc.Channel;
import io.grpc.Metadata;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * A vault as the server knows it, without a vault file on this side: fresh vault and device ids and
 * the device's own signing and encryption keys, registered with a real RegisterVault carrying the
 * device's signed proof and its signed genesis link, as SyncClient registers a new vault. For
 * filling a server with many vaults, which a {@link BenchDevice} (one Argon2id each) cannot do.
 */
final class RegisteredVault {
  private static final int ID_BYTES = 16;

  private final byte[] vaultId;
  private final byte[] deviceId;
  private final DeviceSigningKey signingKey;
  private final byte[] encryptionPublicKeyset;

  private RegisteredVault(
      byte[] vaultId, byte[] deviceId, DeviceSigningKey signingKey, byte[] encryptionKeyset) {
    this.vaultId = vaultId;
    this.deviceId = deviceId;
    this.signingKey = signingKey;
    this.encryptionPublicKeyset = encryptionKeyset;
  }

  /** Registers a new vault and its first device with the server behind {@code channel}. */
  static RegisteredVault register(Channel channel, SecureRandom random) {
    byte[] vaultId = new byte[ID_BYTES];
    byte[] deviceId = new byte[ID_BYTES];
    random.nextBytes(vaultId);
    random.nextBytes(deviceId);
    RegisteredVault vault =
        new RegisteredVault(
            vaultId,
            deviceId,
            DeviceSigningKey.generate(),
            DeviceEncryptionKey.generate().publicKeyset());
    AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
    auth.registerVault(
        RegisterVaultRequest.newBuilder()
            .setProof(DeviceSession.proof(auth, vaultId, deviceId, vault.signingKey))
            .setSigningPublicKeyset(ByteString.copyFrom(vault.signingKey.publicKeyset()))
            .setGenesis(
                DeviceLinks.genesis(
                    vaultId,
                    deviceId,
                    vault.signingKey,
                    vault.encryptionPublicKeyset,
                    Optional.empty(),
                    System.currentTimeMillis()))
            .build());
    return vault;
  }

  /** Signs the device in; the session header for the SyncService stubs. */
  Metadata signIn(Channel channel) {
    return DeviceSession.signIn(channel, vaultId, deviceId, signingKey);
  }

  byte[] vaultId() {
    return vaultId.clone();
  }

  byte[] deviceId() {
    return deviceId.clone();
  }

  DeviceSigningKey signingKey() {
    return signingKey;
  }
}
