package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.KeyPackages;
import dev.memvault.core.sync.RecoverySigningKey;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.core.vault.JoiningDevice;
import dev.memvault.core.vault.Vault;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AwaitKeyPackageRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.GetRecoveryBundleRequest;
import dev.memvault.proto.sync.v1.JoinRequest;
import dev.memvault.proto.sync.v1.JoinWithRecoveryRequest;
import dev.memvault.proto.sync.v1.PostJoinRequestRequest;
import dev.memvault.proto.sync.v1.RecoveryBundle;
import dev.memvault.proto.sync.v1.SealedKeyPackage;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.sdk.MemoryVault;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A new device joining a vault (proto/README.md, "Device linking" and "Device chain"): with the
 * pairing code another device of the vault shows, or with the vault's recovery key when no other
 * device is at hand. Either way the new device makes its own device id and keys, gets the vault's
 * root key (sealed to it by the other device, or unwrapped with the recovery key), creates its
 * local vault with its own passphrase, and syncs.
 */
public final class DeviceJoin {
  private static final Duration POLL = Duration.ofMillis(200);

  private DeviceJoin() {}

  /** The joined vault, open, and what its first sync did. */
  public record Joined(MemoryVault vault, SyncReport firstSync) {}

  /**
   * Joins with a pairing code: posts this device's public keys to the pairing slot, waits up to
   * {@code timeout} for the other device to approve, then creates the vault in {@code directory}.
   *
   * @throws VaultException if the other device does not answer in time, or the answer was not made
   *     with the code (nothing is created then)
   */
  public static Joined withCode(
      Path directory, char[] passphrase, String serverUrl, PairingCode code, Duration timeout) {
    MemoryVault.requireStrongEnough(passphrase);
    requireNoVault(directory);
    byte[] deviceId = randomId();
    DeviceSigningKey signingKey = DeviceSigningKey.generate();
    KeyPackages.Recipient recipient = KeyPackages.Recipient.generate();
    byte[] hpkePublic = recipient.publicKeyset();
    byte[] pairingId = code.pairingId();
    JoinRequest request =
        JoinRequest.newBuilder()
            .setDeviceId(ByteString.copyFrom(deviceId))
            .setSigningPublicKeyset(ByteString.copyFrom(signingKey.publicKeyset()))
            .setHpkePublicKeyset(ByteString.copyFrom(hpkePublic))
            .setMac(
                ByteString.copyFrom(
                    code.mac(
                        KeyPackageLabels.JOIN_REQUEST_LABEL,
                        pairingId,
                        deviceId,
                        signingKey.publicKeyset(),
                        hpkePublic)))
            .build();
    ManagedChannel channel = SyncClient.channel(serverUrl);
    KeyPackages.Opened opened;
    try {
      AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
      auth.postJoinRequest(
          PostJoinRequestRequest.newBuilder()
              .setPairingId(ByteString.copyFrom(pairingId))
              .setJoinRequest(request.toByteString())
              .build());
      opened =
          openKeyPackage(
              awaitKeyPackage(auth, pairingId, timeout), recipient, code, deviceId, signingKey);
    } catch (StatusRuntimeException e) {
      throw refused(serverUrl, e);
    } finally {
      ServerCalls.close(channel);
    }
    return createAndSync(directory, passphrase, serverUrl, opened.serverId(), opened.device());
  }

  /**
   * Joins with the vault's recovery key: finds the vault on the server by the key, checks its
   * device chain is anchored in that key, adds this device to the chain with the recovery key's
   * signature, and creates the vault in {@code directory}.
   *
   * @throws VaultException.WrongKey if the key is mistyped or no vault on the server has it
   */
  public static Joined withRecovery(
      Path directory, char[] passphrase, String serverUrl, String recoveryKeyText) {
    MemoryVault.requireStrongEnough(passphrase);
    requireNoVault(directory);
    RecoverySigningKey recovery = Vault.recoverySigningKey(recoveryKeyText);
    byte[] deviceId = randomId();
    DeviceSigningKey signingKey = DeviceSigningKey.generate();
    DeviceEncryptionKey encryptionKey = DeviceEncryptionKey.generate();
    ManagedChannel channel = SyncClient.channel(serverUrl);
    try {
      AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
      RecoveryBundle bundle;
      try {
        bundle =
            auth.getRecoveryBundle(
                GetRecoveryBundleRequest.newBuilder()
                    .setRecoveryPublicKey(ByteString.copyFrom(recovery.publicKey()))
                    .build());
      } catch (StatusRuntimeException e) {
        if (ServerCalls.refusedFor(e, ErrorReason.UNKNOWN_RECOVERY)) {
          throw new VaultException.WrongKey(
              "no vault on the sync server at "
                  + serverUrl
                  + " has this recovery key; check the"
                  + " key and the server");
        }
        throw e;
      }
      byte[] vaultId = bundle.getVaultId().toByteArray();
      DeviceChain chain = anchoredChain(bundle, recovery);
      SignedDeviceLink link =
          DeviceLinks.addsByRecovery(
              chain,
              recovery,
              deviceId,
              signingKey.publicKeyset(),
              encryptionKey.publicKeyset(),
              System.currentTimeMillis());
      DeviceChain joined;
      try {
        joined = chain.extendedBy(link, ClientSignatures.INSTANCE);
      } catch (DeviceChain.BrokenDeviceChainException e) {
        throw new IllegalStateException("a link this device wrote breaks the chain rules", e);
      }
      GetChallengeResponse challenge = ServerCalls.challenge(auth, vaultId, deviceId);
      auth.joinWithRecovery(
          JoinWithRecoveryRequest.newBuilder()
              .setProof(ServerCalls.signedProof(challenge, vaultId, deviceId, signingKey))
              .setLink(link)
              .build());
      JoiningDevice device =
          JoiningDevice.byRecovery(
              recoveryKeyText,
              vaultId,
              bundle.getRootKeyByRecovery().toByteArray(),
              deviceId,
              signingKey,
              encryptionKey,
              joined,
              new ChainHead(joined.headSeq(), joined.headHash()));
      return createAndSync(directory, passphrase, serverUrl, challenge.getServerId(), device);
    } catch (StatusRuntimeException e) {
      throw refused(serverUrl, e);
    } finally {
      ServerCalls.close(channel);
    }
  }

  /** The bundle's chain, verified, whose first link the recovery key itself signed. */
  private static DeviceChain anchoredChain(RecoveryBundle bundle, RecoverySigningKey recovery) {
    DeviceChain chain;
    try {
      chain =
          DeviceChain.verify(
              bundle.getVaultId().toByteArray(), bundle.getChainList(), ClientSignatures.INSTANCE);
    } catch (DeviceChain.BrokenDeviceChainException e) {
      throw new VaultException.Corrupt(
          "the sync server's list of the vault's devices fails its check ("
              + e.getMessage()
              + "); refusing to join");
    }
    Optional<byte[]> anchor = chain.recoveryPublicKey();
    if (anchor.isEmpty() || !MessageDigest.isEqual(anchor.get(), recovery.publicKey())) {
      throw new VaultException.Corrupt(
          "the sync server's list of the vault's devices was not started with this recovery key;"
              + " refusing to join");
    }
    return chain;
  }

  private static Joined createAndSync(
      Path directory, char[] passphrase, String serverUrl, String serverId, JoiningDevice device) {
    MemoryVault vault = MemoryVault.createJoined(directory, passphrase, device);
    try {
      vault.replica().saveSyncCursor(SyncCursor.start(serverUrl).withServerId(serverId));
    } catch (RuntimeException e) {
      vault.close();
      throw e;
    }
    try (SyncClient client = SyncClient.connect(vault, serverUrl)) {
      return new Joined(vault, client.sync());
    } catch (VaultException e) {
      vault.close();
      // The device is in the vault and its keys are on disk: only the first sync is missing.
      throw new VaultException(
          "joined the vault at "
              + directory
              + ", but its first sync failed ("
              + e.getMessage()
              + "); run `memvault sync --vault "
              + directory
              + "` to finish",
          e);
    }
  }

  private static SealedKeyPackage awaitKeyPackage(
      AuthServiceGrpc.AuthServiceBlockingStub auth, byte[] pairingId, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    AwaitKeyPackageRequest poll =
        AwaitKeyPackageRequest.newBuilder().setPairingId(ByteString.copyFrom(pairingId)).build();
    while (true) {
      ByteString posted =
          auth.withDeadlineAfter(30, TimeUnit.SECONDS).awaitKeyPackage(poll).getSealedKeyPackage();
      if (!posted.isEmpty()) {
        try {
          return SealedKeyPackage.parseFrom(posted);
        } catch (InvalidProtocolBufferException e) {
          throw notFromCode();
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new VaultException(
            "the other device did not approve within "
                + timeout.toSeconds()
                + " s; nothing was"
                + " created. Run `memvault device link` there again and use the new code");
      }
      DeviceLinking.sleep(POLL);
    }
  }

  private static KeyPackages.Opened openKeyPackage(
      SealedKeyPackage sealed,
      KeyPackages.Recipient recipient,
      PairingCode code,
      byte[] deviceId,
      DeviceSigningKey signingKey) {
    byte[] ciphertext = sealed.getCiphertext().toByteArray();
    byte[] expected = code.mac(KeyPackageLabels.KEY_PACKAGE_LABEL, code.pairingId(), ciphertext);
    if (!MessageDigest.isEqual(expected, sealed.getMac().toByteArray())) {
      throw notFromCode();
    }
    try {
      return recipient.open(
          ciphertext, KeyPackageLabels.context(code.pairingId()), deviceId, signingKey);
    } catch (GeneralSecurityException e) {
      throw notFromCode();
    }
  }

  private static VaultException notFromCode() {
    return new VaultException.Corrupt(
        "the answer relayed by the sync server was not made with this pairing code (a tampering"
            + " server?); nothing was created");
  }

  private static void requireNoVault(Path directory) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      if (entries.findAny().isPresent()) {
        throw new VaultException.AlreadyExists(
            directory + " is not empty; join into a new directory (--vault DIR)");
      }
    } catch (IOException e) {
      throw new VaultException("cannot read " + directory + ": " + e.getMessage(), e);
    }
  }

  private static byte[] randomId() {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    return id;
  }

  private static VaultException refused(String serverUrl, StatusRuntimeException e) {
    if (ServerCalls.refusedFor(e, ErrorReason.UNKNOWN_PAIRING)) {
      return new VaultException.InvalidInput(
          "the sync server at "
              + serverUrl
              + " has no open pairing for this code: it expired,"
              + " was used, or was made for another server. Run `memvault device link` again");
    }
    if (ServerCalls.refusedFor(e, ErrorReason.PAIRING_USED)) {
      return new VaultException.InvalidInput(
          "this pairing code was already used by another device; run `memvault device link`"
              + " again for a new code");
    }
    return ServerCalls.failure(serverUrl, e, "nothing was created");
  }
}
