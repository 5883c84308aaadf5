package dev.memvault.server;

import static dev.memvault.server.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.AuthenticateResponse;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.ListDevicesRequest;
import dev.memvault.proto.sync.v1.RegisterVaultRequest;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.SigningInputs;
import dev.memvault.server.auth.ServerSecret;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** AuthService: registering a vault and signing in with Ed25519 keys, and every way to fail. */
class AuthAnonymousGrpcServiceTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice device = TestDevice.newVault();

  @Test
  void getChallenge_validIds_nonceBoundToServerAndPurposeExpiringIn60s() {
    GetChallengeResponse challenge = device.challenge(fixture.auth());

    assertEquals(40, challenge.getNonce().size());
    assertEquals(ServerFixture.SERVER_ID, challenge.getServerId());
    assertEquals("memvault.sync.v1/authenticate", challenge.getPurpose());
    assertEquals(fixture.clock.millis() + 60_000, challenge.getExpiresAtMs());
    assertFalse(challenge.getNonce().equals(device.challenge(fixture.auth()).getNonce()));
  }

  @Test
  void getChallenge_shortDeviceId_malformedId() {
    assertRejected(
        ErrorReason.MALFORMED_ID,
        () ->
            fixture
                .auth()
                .getChallenge(
                    GetChallengeRequest.newBuilder()
                        .setVaultId(device.vault())
                        .setDeviceId(ByteString.copyFrom(new byte[15]))
                        .build()));
  }

  @Test
  void registerVault_freshKeys_sessionWorksAndDeviceIsListed() {
    AuthenticateResponse session =
        fixture
            .auth()
            .registerVault(
                RegisterVaultRequest.newBuilder()
                    .setProof(device.proof(device.challenge(fixture.auth())))
                    .setSigningPublicKeyset(device.publicKeyset)
                    .setGenesis(device.genesis())
                    .build());

    assertEquals(
        fixture.clock.millis() + Duration.ofMinutes(15).toMillis(), session.getExpiresAtMs());
    List<Device> devices =
        fixture
            .sync(session.getSessionToken())
            .listDevices(ListDevicesRequest.getDefaultInstance())
            .getDevicesList();
    assertEquals(1, devices.size());
    assertEquals(device.device(), devices.get(0).getDeviceId());
    assertEquals(device.publicKeyset, devices.get(0).getSigningPublicKeyset());
    assertEquals(fixture.clock.millis(), devices.get(0).getRegisteredAtMs());
  }

  @Test
  void registerVault_existingVault_alreadyExistsVaultExists() {
    fixture.registered(device);
    TestDevice intruder = device.sibling();

    assertRejected(ErrorReason.VAULT_EXISTS, () -> intruder.register(fixture.auth()));
    assertRejected(ErrorReason.VAULT_EXISTS, () -> device.register(fixture.auth()));
  }

  @Test
  void registerVault_keysetNotTink_badKeyset() {
    assertRejected(
        ErrorReason.BAD_KEYSET,
        () ->
            register(device.proof(device.challenge(fixture.auth())), ByteString.copyFromUtf8("x")));
  }

  @Test
  void registerVault_keysetWithSecretKey_badKeyset() throws Exception {
    KeysetHandle privateKeys =
        KeysetHandle.generateNew(
            PredefinedSignatureParameters.ED25519, RegistryConfiguration.get());
    ByteString withSecret =
        ByteString.copyFrom(
            TinkProtoKeysetFormat.serializeKeyset(
                privateKeys, InsecureSecretKeyAccess.get(), RegistryConfiguration.get()));

    assertRejected(
        ErrorReason.BAD_KEYSET,
        () -> register(device.proof(device.challenge(fixture.auth())), withSecret));
  }

  @Test
  void registerVault_ecdsaKeyset_badKeyset() throws Exception {
    KeysetHandle ecdsa =
        KeysetHandle.generateNew(
            PredefinedSignatureParameters.ECDSA_P256, RegistryConfiguration.get());
    ByteString publicEcdsa =
        ByteString.copyFrom(
            TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
                ecdsa.getPublicKeysetHandle(), RegistryConfiguration.get()));

    assertRejected(
        ErrorReason.BAD_KEYSET,
        () -> register(device.proof(device.challenge(fixture.auth())), publicEcdsa));
  }

  @Test
  void registerVault_keysetTooLarge_badKeyset() {
    ByteString huge = device.publicKeyset.concat(ByteString.copyFrom(new byte[5000]));

    assertRejected(
        ErrorReason.BAD_KEYSET,
        () -> register(device.proof(device.challenge(fixture.auth())), huge));
  }

  @Test
  void registerVault_proofSignedByAnotherKey_badSignatureAndNoVault() {
    TestDevice other = device.sibling();
    AuthenticateRequest proofBySomeoneElse =
        device.proof(device.challenge(fixture.auth())).toBuilder()
            .setSignature(other.proof(device.challenge(fixture.auth())).getSignature())
            .build();

    assertRejected(
        ErrorReason.BAD_SIGNATURE, () -> register(proofBySomeoneElse, device.publicKeyset));
    fixture.registered(device); // the vault id is still free
  }

  @Test
  void registerVault_noProof_malformedRequest() {
    assertRejected(
        ErrorReason.MALFORMED_REQUEST,
        () ->
            fixture
                .auth()
                .registerVault(
                    RegisterVaultRequest.newBuilder()
                        .setSigningPublicKeyset(device.publicKeyset)
                        .build()));
  }

  @Test
  void authenticate_registeredDevice_newSessionWorks() {
    fixture.registered(device);

    String token = device.authenticate(fixture.auth());

    assertEquals(
        1,
        fixture.sync(token).listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesCount());
  }

  @Test
  void authenticate_unregisteredDevice_unknownDevice() {
    fixture.registered(device);
    TestDevice stranger = device.sibling();

    assertRejected(ErrorReason.UNKNOWN_DEVICE, () -> stranger.authenticate(fixture.auth()));
    assertRejected(
        ErrorReason.UNKNOWN_DEVICE, () -> TestDevice.newVault().authenticate(fixture.auth()));
  }

  @Test
  void authenticate_signatureBitFlipped_badSignature() {
    fixture.registered(device);
    AuthenticateRequest proof = device.proof(device.challenge(fixture.auth()));
    byte[] signature = proof.getSignature().toByteArray();

    for (int bit = 0; bit < signature.length * 8; bit += 7) {
      byte[] flipped = signature.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      AuthenticateRequest forged =
          proof.toBuilder().setSignature(ByteString.copyFrom(flipped)).build();
      assertRejected(ErrorReason.BAD_SIGNATURE, () -> fixture.auth().authenticate(forged));
    }
    fixture.auth().authenticate(proof); // the nonce was not used up by the failures
  }

  @Test
  void authenticate_signedForAnotherServerId_badSignature() {
    fixture.registered(device);
    GetChallengeResponse challenge = device.challenge(fixture.auth());

    assertRejected(
        ErrorReason.BAD_SIGNATURE,
        () ->
            fixture
                .auth()
                .authenticate(
                    device.proof(
                        challenge.getNonce(), "evil.example:7443", challenge.getPurpose())));
  }

  @Test
  void authenticate_signedForAnotherPurpose_badSignature() {
    fixture.registered(device);
    GetChallengeResponse challenge = device.challenge(fixture.auth());

    assertRejected(
        ErrorReason.BAD_SIGNATURE,
        () ->
            fixture
                .auth()
                .authenticate(
                    device.proof(
                        challenge.getNonce(), challenge.getServerId(), "memvault.sync.v1/delete")));
  }

  @Test
  void authenticate_challengeExpired_challengeExpired() {
    fixture.registered(device);
    GetChallengeResponse challenge = device.challenge(fixture.auth());
    fixture.clock.advance(Duration.ofSeconds(60));

    assertRejected(
        ErrorReason.CHALLENGE_EXPIRED, () -> fixture.auth().authenticate(device.proof(challenge)));
  }

  @Test
  void authenticate_challengeJustBeforeExpiry_succeeds() {
    fixture.registered(device);
    GetChallengeResponse challenge = device.challenge(fixture.auth());
    fixture.clock.advance(Duration.ofMillis(59_999));

    fixture.auth().authenticate(device.proof(challenge));
  }

  @Test
  void authenticate_everyNonceByteChanged_badChallenge() {
    fixture.registered(device);
    GetChallengeResponse challenge = device.challenge(fixture.auth());
    byte[] nonce = challenge.getNonce().toByteArray();

    for (int i = 0; i < nonce.length; i++) {
      byte[] forged = nonce.clone();
      forged[i] ^= 0x01;
      // Signed properly over the forged nonce: only the server's HMAC can catch it.
      AuthenticateRequest proof =
          device.proof(
              ByteString.copyFrom(forged), challenge.getServerId(), challenge.getPurpose());
      assertRejected(ErrorReason.BAD_CHALLENGE, () -> fixture.auth().authenticate(proof));
    }
  }

  @Test
  void authenticate_nonceForAnotherDevice_badChallenge() {
    fixture.registered(device);
    TestDevice other = device.sibling();
    GetChallengeResponse theirs = other.challenge(fixture.auth());

    assertRejected(
        ErrorReason.BAD_CHALLENGE, () -> fixture.auth().authenticate(device.proof(theirs)));
  }

  @Test
  void authenticate_nonceOfServerWithAnotherSecret_badChallenge() {
    fixture.registered(device);
    String otherServer =
        fixture.startAnother(
            EmbeddedSyncStore.open(fixture.newDirectory(), Limits.DEFAULTS.storeLimits()),
            ServerConfig.builder(ServerFixture.SERVER_ID, ServerSecret.generate(new SecureRandom()))
                .clock(fixture.clock)
                .build());
    GetChallengeResponse foreign =
        device.challenge(AuthServiceGrpc.newBlockingStub(fixture.channel(otherServer)));

    assertRejected(
        ErrorReason.BAD_CHALLENGE, () -> fixture.auth().authenticate(device.proof(foreign)));
  }

  @Test
  void authenticate_sameSignedNonceTwice_secondIsBadChallenge() {
    fixture.registered(device);
    AuthenticateRequest proof = device.proof(device.challenge(fixture.auth()));
    fixture.auth().authenticate(proof);

    assertRejected(ErrorReason.BAD_CHALLENGE, () -> fixture.auth().authenticate(proof));
  }

  @Test
  void authenticate_revokedDevice_deviceRevoked() {
    fixture.registered(device);
    GetChallengeResponse challenge = device.challenge(fixture.auth());
    revoke(device);

    assertRejected(
        ErrorReason.DEVICE_REVOKED, () -> fixture.auth().authenticate(device.proof(challenge)));
  }

  @Test
  void authenticate_malformedIds_malformedId() {
    AuthenticateRequest proof = device.proof(device.challenge(fixture.auth()));

    assertRejected(
        ErrorReason.MALFORMED_ID,
        () -> fixture.auth().authenticate(proof.toBuilder().setVaultId(ByteString.EMPTY).build()));
  }

  @Test
  void authFailures_countedByReasonInMetrics() {
    fixture.registered(device);
    GetChallengeResponse challenge = device.challenge(fixture.auth());
    fixture.clock.advance(Duration.ofMinutes(1));
    assertRejected(
        ErrorReason.CHALLENGE_EXPIRED, () -> fixture.auth().authenticate(device.proof(challenge)));

    assertEquals(1, fixture.server().metrics().authFailures("CHALLENGE_EXPIRED"));
    assertTrue(
        fixture
            .server()
            .metrics()
            .prometheusText()
            .contains("memvault_auth_failures_total{reason=\"CHALLENGE_EXPIRED\"} 1\n"));
  }

  @Test
  void signingInput_isTheDocumentedEncoding() {
    byte[] nonce = new byte[40];
    byte[] encoded = SigningInputs.authentication("s", "p", device.vaultId, device.deviceId, nonce);

    assertArrayEquals(
        concat(
            hex("000000156d656d7661756c742e73796e632e76312e61757468"), // "memvault.sync.v1.auth"
            hex("0000000173"),
            hex("0000000170"),
            hex("00000010"),
            device.vaultId,
            hex("00000010"),
            device.deviceId,
            hex("00000028"),
            nonce),
        encoded);
  }

  private void revoke(TestDevice revoked) {
    // No RPC revokes yet; the store is what a future one would call.
    assertTrue(
        fixture.store().revokeDevice(revoked.vaultId, revoked.deviceId, fixture.clock.millis()));
  }

  private AuthenticateResponse register(AuthenticateRequest proof, ByteString keyset) {
    return fixture
        .auth()
        .registerVault(
            RegisterVaultRequest.newBuilder()
                .setProof(proof)
                .setSigningPublicKeyset(keyset)
                .setGenesis(device.genesis())
                .build());
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
