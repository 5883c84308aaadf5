package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.Replica;
import dev.memvault.proto.sync.v1.AppendDeviceLinkRequest;
import dev.memvault.proto.sync.v1.AwaitJoinRequestRequest;
import dev.memvault.proto.sync.v1.JoinRequest;
import dev.memvault.proto.sync.v1.OpenPairingRequest;
import dev.memvault.proto.sync.v1.PostKeyPackageRequest;
import dev.memvault.proto.sync.v1.SealedKeyPackage;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.DeviceSignatureVerifier;
import io.grpc.StatusRuntimeException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Device linking, the existing device's side (proto/README.md, "Device linking"): it opens a
 * pairing slot on the server and shows a one-time code; the new device, given the code, posts its
 * public keys; this device checks them against the code's secret, adds the new device to the device
 * chain with its own signature, and seals the vault's keys to the new device with HPKE. The server
 * relays both messages and can read or alter neither unnoticed.
 */
public final class DeviceLinking {
  private static final Duration POLL = Duration.ofMillis(200);

  private final SyncClient client;
  private final SyncServiceGrpc.SyncServiceBlockingStub session;
  private final PairingCode code;
  private final Instant expiresAt;

  private DeviceLinking(
      SyncClient client,
      SyncServiceGrpc.SyncServiceBlockingStub session,
      PairingCode code,
      Instant expiresAt) {
    this.client = client;
    this.session = session;
    this.code = code;
    this.expiresAt = expiresAt;
  }

  /** Syncs, then opens a pairing slot; show {@link #code()} to the person at the new device. */
  public static DeviceLinking start(SyncClient client) {
    // The sync signs in and verifies the device chain; its session opens the slot.
    client.sync();
    try {
      SyncServiceGrpc.SyncServiceBlockingStub session = client.session();
      PairingCode code = PairingCode.generate(new SecureRandom());
      long expires =
          session
              .openPairing(
                  OpenPairingRequest.newBuilder()
                      .setPairingId(ByteString.copyFrom(code.pairingId()))
                      .build())
              .getExpiresAtMs();
      return new DeviceLinking(client, session, code, Instant.ofEpochMilli(expires));
    } catch (StatusRuntimeException e) {
      throw client.failure(e);
    }
  }

  public PairingCode code() {
    return code;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /**
   * Waits until the new device posts its request (at most until the code expires or {@code timeout}
   * passes), then approves it: adds it to the device chain and sends it the keys.
   *
   * @return the new device's id (hex)
   * @throws VaultException if no device joined in time, or the request was not made with this code
   *     (then nothing is linked)
   */
  public String approve(Duration timeout) {
    Replica vault = client.vault();
    try {
      JoinRequest request = awaitRequest(timeout);
      checkMac(request);
      if (request.getDeviceId().size() != 16
          || !DeviceSignatureVerifier.isEd25519PublicKeyset(request.getSigningPublicKeyset())) {
        throw new VaultException.Corrupt(
            "the new device sent keys memvault cannot use; nothing was linked");
      }
      DeviceChain chain = client.verifiedChain(session);
      SignedDeviceLink link =
          DeviceLinks.adds(
              chain,
              vault.deviceIdBytes(),
              vault.deviceSigningKey(),
              request.getDeviceId().toByteArray(),
              request.getSigningPublicKeyset().toByteArray(),
              request.getHpkePublicKeyset().toByteArray(),
              System.currentTimeMillis());
      List<SignedDeviceLink> links =
          session
              .appendDeviceLink(AppendDeviceLinkRequest.newBuilder().setLink(link).build())
              .getChainList();
      DeviceChain linked = client.verifiedLinks(links);
      vault.trustChain(linked);
      postKeyPackage(request, linked);
      return HexFormat.of().formatHex(request.getDeviceId().toByteArray());
    } catch (StatusRuntimeException e) {
      throw client.failure(e);
    }
  }

  private JoinRequest awaitRequest(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    if (deadline.isAfter(expiresAt)) {
      deadline = expiresAt;
    }
    AwaitJoinRequestRequest poll =
        AwaitJoinRequestRequest.newBuilder()
            .setPairingId(ByteString.copyFrom(code.pairingId()))
            .build();
    while (true) {
      ByteString posted = session.awaitJoinRequest(poll).getJoinRequest();
      if (!posted.isEmpty()) {
        try {
          return JoinRequest.parseFrom(posted);
        } catch (InvalidProtocolBufferException e) {
          throw notFromCode();
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new VaultException(
            "no new device used the pairing code in time; run `memvault device link` again for a"
                + " new code");
      }
      sleep(POLL);
    }
  }

  private void checkMac(JoinRequest request) {
    byte[] expected =
        code.mac(
            KeyPackageLabels.JOIN_REQUEST_LABEL,
            code.pairingId(),
            request.getDeviceId().toByteArray(),
            request.getSigningPublicKeyset().toByteArray(),
            request.getHpkePublicKeyset().toByteArray());
    if (!MessageDigest.isEqual(expected, request.getMac().toByteArray())) {
      throw notFromCode();
    }
  }

  private void postKeyPackage(JoinRequest request, DeviceChain linked) {
    Replica vault = client.vault();
    byte[] ciphertext;
    try {
      ciphertext =
          vault.sealKeyPackage(
              request.getHpkePublicKeyset().toByteArray(),
              KeyPackageLabels.context(code.pairingId()),
              new ChainHead(linked.headSeq(), linked.headHash()),
              vault.syncCursor().orElseThrow().serverId());
    } catch (GeneralSecurityException e) {
      throw new VaultException.Corrupt(
          "the new device sent an encryption key memvault cannot use; it was added to the device"
              + " list but has no keys: revoke it with `memvault device revoke "
              + HexFormat.of().formatHex(request.getDeviceId().toByteArray())
              + "`");
    }
    SealedKeyPackage sealed =
        SealedKeyPackage.newBuilder()
            .setCiphertext(ByteString.copyFrom(ciphertext))
            .setMac(
                ByteString.copyFrom(
                    code.mac(KeyPackageLabels.KEY_PACKAGE_LABEL, code.pairingId(), ciphertext)))
            .build();
    session.postKeyPackage(
        PostKeyPackageRequest.newBuilder()
            .setPairingId(ByteString.copyFrom(code.pairingId()))
            .setSealedKeyPackage(sealed.toByteString())
            .build());
  }

  private static VaultException notFromCode() {
    return new VaultException.Corrupt(
        "a device answered the pairing without the pairing code's secret (someone other than"
            + " your new device, or a tampering server); nothing was linked");
  }

  static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VaultException(
          "interrupted while waiting for the other device; nothing was linked");
    }
  }
}
