package dev.memvault.server;

import static dev.memvault.server.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.AppendDeviceLinkRequest;
import dev.memvault.proto.sync.v1.AwaitJoinRequestRequest;
import dev.memvault.proto.sync.v1.AwaitKeyPackageRequest;
import dev.memvault.proto.sync.v1.DeviceAdded;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.GetDeviceChainRequest;
import dev.memvault.proto.sync.v1.GetRecoveryBundleRequest;
import dev.memvault.proto.sync.v1.JoinWithRecoveryRequest;
import dev.memvault.proto.sync.v1.ListDevicesRequest;
import dev.memvault.proto.sync.v1.OpenPairingRequest;
import dev.memvault.proto.sync.v1.PostJoinRequestRequest;
import dev.memvault.proto.sync.v1.PostKeyPackageRequest;
import dev.memvault.proto.sync.v1.RecoveryBundle;
import dev.memvault.proto.sync.v1.RegisterVaultRequest;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.ErrorReason;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device chain and the relays of device linking, as the server enforces them: it stores only
 * links that extend the chain by its rules, keeps sign-in in step with the chain, and relays
 * pairing payloads within their slot's vault and lifetime.
 */
class DeviceChainGrpcTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice laptop = TestDevice.newVault();
  private final TestDevice phone = laptop.sibling();

  @Test
  void registerVault_withoutGenesis_malformedRequestAndNoVault() {
    assertRejected(
        ErrorReason.MALFORMED_REQUEST,
        () ->
            fixture
                .auth()
                .registerVault(
                    RegisterVaultRequest.newBuilder()
                        .setProof(laptop.proof(laptop.challenge(fixture.auth())))
                        .setSigningPublicKeyset(laptop.publicKeyset)
                        .build()));

    fixture.registered(laptop); // the vault id is still free
  }

  @Test
  void registerVault_genesisSignedByAnotherKey_badDeviceLink() {
    SignedDeviceLink forged =
        phone.signLink(parse(laptop.genesis())); // laptop's link, phone's signature

    assertRejected(
        ErrorReason.BAD_DEVICE_LINK,
        () ->
            fixture
                .auth()
                .registerVault(
                    RegisterVaultRequest.newBuilder()
                        .setProof(laptop.proof(laptop.challenge(fixture.auth())))
                        .setSigningPublicKeyset(laptop.publicKeyset)
                        .setGenesis(forged)
                        .build()));
  }

  @Test
  void appendDeviceLink_memberAddsDevice_newDeviceSignsInAndChainHasBothLinks() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    SignedDeviceLink addPhone = laptop.adds(phone, laptop.genesis());

    List<SignedDeviceLink> chain = append(session, addPhone);

    assertEquals(List.of(laptop.genesis().getLink(), addPhone.getLink()), links(chain));
    assertEquals(
        chain, session.getDeviceChain(GetDeviceChainRequest.getDefaultInstance()).getChainList());
    String phoneToken = phone.authenticate(fixture.auth());
    assertEquals(
        2,
        fixture
            .sync(phoneToken)
            .listDevices(ListDevicesRequest.getDefaultInstance())
            .getDevicesCount());
  }

  @Test
  void appendDeviceLink_signedByNonMember_badDeviceLinkAndDeviceCannotSignIn() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    // What a server or an outsider would need to do: sign a link with a key that is not a member.
    SignedDeviceLink selfAdded =
        phone.signLink(
            phone
                .next(laptop.genesis())
                .setSignerDeviceId(laptop.device())
                .setAdded(
                    DeviceAdded.newBuilder()
                        .setDeviceId(phone.device())
                        .setSigningPublicKeyset(phone.publicKeyset))
                .build());

    assertRejected(ErrorReason.BAD_DEVICE_LINK, () -> append(session, selfAdded));
    assertRejected(ErrorReason.UNKNOWN_DEVICE, () -> phone.authenticate(fixture.auth()));
  }

  @Test
  void appendDeviceLink_signerIsNotTheCaller_badDeviceLink() {
    fixture.registered(laptop);
    append(fixture.sync(laptop.authenticate(fixture.auth())), laptop.adds(phone, laptop.genesis()));
    TestDevice tablet = laptop.sibling();
    // A valid link by the laptop, replayed on the phone's session.
    SignedDeviceLink byLaptop = laptop.adds(tablet, laptop.adds(phone, laptop.genesis()));

    assertRejected(
        ErrorReason.BAD_DEVICE_LINK,
        () -> append(fixture.sync(phone.authenticate(fixture.auth())), byLaptop));
  }

  @Test
  void appendDeviceLink_staleSeq_chainConflict() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    append(session, laptop.adds(phone, laptop.genesis()));
    TestDevice tablet = laptop.sibling();

    assertRejected(
        ErrorReason.CHAIN_CONFLICT, () -> append(session, laptop.adds(tablet, laptop.genesis())));
  }

  @Test
  void appendDeviceLink_revocation_revokedDeviceCannotSignInAgain() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    SignedDeviceLink addPhone = laptop.adds(phone, laptop.genesis());
    append(session, addPhone);
    phone.authenticate(fixture.auth());

    append(session, laptop.revokes(phone, addPhone, 0));

    assertRejected(ErrorReason.DEVICE_REVOKED, () -> phone.authenticate(fixture.auth()));
  }

  @Test
  void appendDeviceLink_oversizedLink_badDeviceLink() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    SignedDeviceLink huge =
        laptop.adds(phone, laptop.genesis()).toBuilder()
            .setRecoverySignature(ByteString.copyFrom(new byte[9000]))
            .build();

    assertRejected(ErrorReason.BAD_DEVICE_LINK, () -> append(session, huge));
  }

  @Test
  void pairing_relay_joinRequestAndKeyPackageEachDeliveredOnce() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    ByteString pairingId = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    session.openPairing(OpenPairingRequest.newBuilder().setPairingId(pairingId).build());

    assertTrue(awaitJoinRequest(session, pairingId).isEmpty());
    assertTrue(awaitKeyPackage(pairingId).isEmpty());
    postJoinRequest(pairingId, ByteString.copyFromUtf8("request"));
    assertEquals(ByteString.copyFromUtf8("request"), awaitJoinRequest(session, pairingId));
    session.postKeyPackage(
        PostKeyPackageRequest.newBuilder()
            .setPairingId(pairingId)
            .setSealedKeyPackage(ByteString.copyFromUtf8("package"))
            .build());

    assertEquals(ByteString.copyFromUtf8("package"), awaitKeyPackage(pairingId));
    assertRejected(
        ErrorReason.PAIRING_USED,
        () -> postJoinRequest(pairingId, ByteString.copyFromUtf8("other")));
  }

  @Test
  void pairing_slotOfAnotherVault_unknownPairing() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    ByteString pairingId = ByteString.copyFrom(new byte[8]);
    session.openPairing(OpenPairingRequest.newBuilder().setPairingId(pairingId).build());
    postJoinRequest(pairingId, ByteString.copyFromUtf8("request"));
    TestDevice stranger = TestDevice.newVault();
    SyncServiceGrpc.SyncServiceBlockingStub strangers = fixture.sync(fixture.registered(stranger));

    assertRejected(ErrorReason.UNKNOWN_PAIRING, () -> awaitJoinRequest(strangers, pairingId));
    assertRejected(
        ErrorReason.PAIRING_EXISTS,
        () ->
            strangers.openPairing(OpenPairingRequest.newBuilder().setPairingId(pairingId).build()));
  }

  @Test
  void pairing_afterTenMinutes_unknownPairing() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    ByteString pairingId = ByteString.copyFrom(new byte[8]);
    session.openPairing(OpenPairingRequest.newBuilder().setPairingId(pairingId).build());

    fixture.clock.advance(Duration.ofMinutes(10).plusSeconds(1));

    assertRejected(
        ErrorReason.UNKNOWN_PAIRING,
        () -> postJoinRequest(pairingId, ByteString.copyFromUtf8("late")));
  }

  @Test
  void pairing_malformedOrOversized_refused() {
    SyncServiceGrpc.SyncServiceBlockingStub session = fixture.sync(fixture.registered(laptop));
    ByteString pairingId = ByteString.copyFrom(new byte[8]);
    session.openPairing(OpenPairingRequest.newBuilder().setPairingId(pairingId).build());

    assertRejected(
        ErrorReason.MALFORMED_ID,
        () -> postJoinRequest(ByteString.copyFrom(new byte[7]), pairingId));
    assertRejected(
        ErrorReason.MALFORMED_REQUEST,
        () -> postJoinRequest(pairingId, ByteString.copyFrom(new byte[9 * 1024])));
    assertRejected(
        ErrorReason.UNKNOWN_PAIRING,
        () -> awaitKeyPackage(ByteString.copyFrom(new byte[] {9, 9, 9, 9, 9, 9, 9, 9})));
  }

  @Test
  void recovery_bundleFoundByRecoveryKeyAndRecoverySignedLinkJoins() throws Exception {
    Ed25519Sign.KeyPair recovery = Ed25519Sign.KeyPair.newKeyPair();
    SignedDeviceLink genesis = genesisWithRecovery(recovery);
    fixture
        .auth()
        .registerVault(
            RegisterVaultRequest.newBuilder()
                .setProof(laptop.proof(laptop.challenge(fixture.auth())))
                .setSigningPublicKeyset(laptop.publicKeyset)
                .setGenesis(genesis)
                .setRootKeyByRecovery(ByteString.copyFromUtf8("wrapped root"))
                .build());

    RecoveryBundle bundle =
        fixture
            .auth()
            .getRecoveryBundle(
                GetRecoveryBundleRequest.newBuilder()
                    .setRecoveryPublicKey(ByteString.copyFrom(recovery.getPublicKey()))
                    .build());
    assertEquals(laptop.vault(), bundle.getVaultId());
    assertEquals(ByteString.copyFromUtf8("wrapped root"), bundle.getRootKeyByRecovery());
    assertEquals(List.of(genesis), bundle.getChainList());

    SignedDeviceLink byRecovery = recoverySigned(recovery, phoneAddedAfter(genesis));
    String token =
        fixture
            .auth()
            .joinWithRecovery(
                JoinWithRecoveryRequest.newBuilder()
                    .setProof(phone.proof(phone.challenge(fixture.auth())))
                    .setLink(byRecovery)
                    .build())
            .getSessionToken();
    assertEquals(
        2,
        fixture
            .sync(token)
            .getDeviceChain(GetDeviceChainRequest.getDefaultInstance())
            .getChainCount());
  }

  @Test
  void recovery_linkSignedWithAnotherRecoveryKey_badDeviceLinkAndNoDevice() throws Exception {
    Ed25519Sign.KeyPair recovery = Ed25519Sign.KeyPair.newKeyPair();
    SignedDeviceLink genesis = genesisWithRecovery(recovery);
    fixture
        .auth()
        .registerVault(
            RegisterVaultRequest.newBuilder()
                .setProof(laptop.proof(laptop.challenge(fixture.auth())))
                .setSigningPublicKeyset(laptop.publicKeyset)
                .setGenesis(genesis)
                .build());
    SignedDeviceLink byAnother =
        recoverySigned(Ed25519Sign.KeyPair.newKeyPair(), phoneAddedAfter(genesis));

    assertRejected(
        ErrorReason.BAD_DEVICE_LINK,
        () ->
            fixture
                .auth()
                .joinWithRecovery(
                    JoinWithRecoveryRequest.newBuilder()
                        .setProof(phone.proof(phone.challenge(fixture.auth())))
                        .setLink(byAnother)
                        .build()));
    assertRejected(ErrorReason.UNKNOWN_DEVICE, () -> phone.authenticate(fixture.auth()));
  }

  @Test
  void recovery_unknownRecoveryKey_unknownRecovery() {
    fixture.registered(laptop);

    assertRejected(
        ErrorReason.UNKNOWN_RECOVERY,
        () ->
            fixture
                .auth()
                .getRecoveryBundle(
                    GetRecoveryBundleRequest.newBuilder()
                        .setRecoveryPublicKey(ByteString.copyFrom(new byte[32]))
                        .build()));
  }

  // ---------------------------------------------------------------- helpers

  private SignedDeviceLink genesisWithRecovery(Ed25519Sign.KeyPair recovery)
      throws GeneralSecurityException {
    DeviceLink link =
        parse(laptop.genesis()).toBuilder()
            .setAdded(
                parse(laptop.genesis()).getAdded().toBuilder()
                    .setRecoveryPublicKey(ByteString.copyFrom(recovery.getPublicKey())))
            .build();
    SignedDeviceLink signed = laptop.signLink(link);
    byte[] input = DeviceChain.signingInput(signed.getLink());
    return signed.toBuilder()
        .setRecoverySignature(
            ByteString.copyFrom(new Ed25519Sign(recovery.getPrivateKey()).sign(input)))
        .build();
  }

  private DeviceLink phoneAddedAfter(SignedDeviceLink genesis) {
    return phone
        .next(genesis)
        .clearSignerDeviceId()
        .setAdded(
            DeviceAdded.newBuilder()
                .setDeviceId(phone.device())
                .setSigningPublicKeyset(phone.publicKeyset))
        .build();
  }

  private static SignedDeviceLink recoverySigned(Ed25519Sign.KeyPair recovery, DeviceLink link)
      throws GeneralSecurityException {
    ByteString bytes = link.toByteString();
    return SignedDeviceLink.newBuilder()
        .setLink(bytes)
        .setSignature(
            ByteString.copyFrom(
                new Ed25519Sign(recovery.getPrivateKey()).sign(DeviceChain.signingInput(bytes))))
        .build();
  }

  private static List<SignedDeviceLink> append(
      SyncServiceGrpc.SyncServiceBlockingStub session, SignedDeviceLink link) {
    return session
        .appendDeviceLink(AppendDeviceLinkRequest.newBuilder().setLink(link).build())
        .getChainList();
  }

  private void postJoinRequest(ByteString pairingId, ByteString request) {
    fixture
        .auth()
        .postJoinRequest(
            PostJoinRequestRequest.newBuilder()
                .setPairingId(pairingId)
                .setJoinRequest(request)
                .build());
  }

  private static ByteString awaitJoinRequest(
      SyncServiceGrpc.SyncServiceBlockingStub session, ByteString pairingId) {
    return session
        .awaitJoinRequest(AwaitJoinRequestRequest.newBuilder().setPairingId(pairingId).build())
        .getJoinRequest();
  }

  private ByteString awaitKeyPackage(ByteString pairingId) {
    return fixture
        .auth()
        .awaitKeyPackage(AwaitKeyPackageRequest.newBuilder().setPairingId(pairingId).build())
        .getSealedKeyPackage();
  }

  private static List<ByteString> links(List<SignedDeviceLink> chain) {
    return chain.stream().map(SignedDeviceLink::getLink).toList();
  }

  private static DeviceLink parse(SignedDeviceLink signed) {
    try {
      return DeviceLink.parseFrom(signed.getLink());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
