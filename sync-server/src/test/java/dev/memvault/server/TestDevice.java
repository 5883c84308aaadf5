package dev.memvault.server;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.DeviceAdded;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.DeviceRevoked;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.RegisterVaultRequest;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.ChangeBatches;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.SigningInputs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A device as a client would be: real Ed25519 keys (Tink), ids, and the signing a client does.
 * Changes are numbered; change n has a deterministic change id, record id and payload.
 */
final class TestDevice {
  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  final byte[] vaultId;
  final byte[] deviceId;
  final PublicKeySign signer;
  final ByteString publicKeyset;

  private TestDevice(byte[] vaultId, byte[] deviceId) {
    this.vaultId = vaultId;
    this.deviceId = deviceId;
    try {
      KeysetHandle keys =
          KeysetHandle.generateNew(
              PredefinedSignatureParameters.ED25519, RegistryConfiguration.get());
      this.signer = keys.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
      this.publicKeyset =
          ByteString.copyFrom(
              TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
                  keys.getPublicKeysetHandle(), RegistryConfiguration.get()));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** The first device of a new, random vault. */
  static TestDevice newVault() {
    return new TestDevice(randomId(), randomId());
  }

  /** Another device of the same vault (not registered by this). */
  TestDevice sibling() {
    return new TestDevice(vaultId, randomId());
  }

  static byte[] randomId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return id;
  }

  ByteString vault() {
    return ByteString.copyFrom(vaultId);
  }

  ByteString device() {
    return ByteString.copyFrom(deviceId);
  }

  /** This device's registration, as the store keeps it. */
  Device registration(long registeredAtMillis) {
    return Device.newBuilder()
        .setDeviceId(device())
        .setSigningPublicKeyset(publicKeyset)
        .setRegisteredAtMs(registeredAtMillis)
        .build();
  }

  byte[] sign(byte[] data) {
    try {
      return signer.sign(data);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  GetChallengeResponse challenge(AuthServiceGrpc.AuthServiceBlockingStub auth) {
    return auth.getChallenge(
        GetChallengeRequest.newBuilder().setVaultId(vault()).setDeviceId(device()).build());
  }

  /** A proof over {@code challenge}, signed as a client does, for the server it names. */
  AuthenticateRequest proof(GetChallengeResponse challenge) {
    return proof(challenge.getNonce(), challenge.getServerId(), challenge.getPurpose());
  }

  AuthenticateRequest proof(ByteString nonce, String serverId, String purpose) {
    byte[] signed =
        SigningInputs.authentication(serverId, purpose, vaultId, deviceId, nonce.toByteArray());
    return AuthenticateRequest.newBuilder()
        .setVaultId(vault())
        .setDeviceId(device())
        .setNonce(nonce)
        .setSignature(ByteString.copyFrom(sign(signed)))
        .build();
  }

  /** Registers this device's vault and returns the session token. */
  String register(AuthServiceGrpc.AuthServiceBlockingStub auth) {
    return auth.registerVault(
            RegisterVaultRequest.newBuilder()
                .setProof(proof(challenge(auth)))
                .setSigningPublicKeyset(publicKeyset)
                .setGenesis(genesis())
                .build())
        .getSessionToken();
  }

  /** The first link of this device's vault: this device adding itself. */
  SignedDeviceLink genesis() {
    return signLink(
        DeviceLink.newBuilder()
            .setVaultId(vault())
            .setSeq(1)
            .setPrevHash(ByteString.copyFrom(new byte[32]))
            .setAdded(
                DeviceAdded.newBuilder().setDeviceId(device()).setSigningPublicKeyset(publicKeyset))
            .setSignerDeviceId(device())
            .build());
  }

  /** Link {@code seq}, after {@code previous}, by which this device adds {@code other}. */
  SignedDeviceLink adds(TestDevice other, SignedDeviceLink previous) {
    return signLink(
        next(previous)
            .setAdded(
                DeviceAdded.newBuilder()
                    .setDeviceId(other.device())
                    .setSigningPublicKeyset(other.publicKeyset))
            .build());
  }

  /** The link, after {@code previous}, by which this device revokes {@code other}. */
  SignedDeviceLink revokes(TestDevice other, SignedDeviceLink previous, long afterLogSeq) {
    return signLink(
        next(previous)
            .setRevoked(
                DeviceRevoked.newBuilder().setDeviceId(other.device()).setAfterLogSeq(afterLogSeq))
            .build());
  }

  /** A link following {@code previous}, signed by this device, without its action yet. */
  DeviceLink.Builder next(SignedDeviceLink previous) {
    long seq;
    try {
      seq = DeviceLink.parseFrom(previous.getLink()).getSeq() + 1;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    return DeviceLink.newBuilder()
        .setVaultId(vault())
        .setSeq(seq)
        .setPrevHash(ByteString.copyFrom(DeviceChain.linkHash(previous)))
        .setSignerDeviceId(device());
  }

  SignedDeviceLink signLink(DeviceLink link) {
    ByteString bytes = link.toByteString();
    return SignedDeviceLink.newBuilder()
        .setLink(bytes)
        .setSignature(ByteString.copyFrom(sign(DeviceChain.signingInput(bytes))))
        .build();
  }

  String authenticate(AuthServiceGrpc.AuthServiceBlockingStub auth) {
    return auth.authenticate(proof(challenge(auth))).getSessionToken();
  }

  static byte[] changeId(long n) {
    return ByteBuffer.allocate(16).putLong(0x6368616e67650000L).putLong(n).array();
  }

  /** Change number {@code n} of this device, signed as a batch of one. */
  Change change(long n) {
    return change(n, ("payload " + n).getBytes(StandardCharsets.UTF_8));
  }

  Change change(long n, byte[] payload) {
    return signed(unsigned(n, payload));
  }

  Change unsigned(long n, byte[] payload) {
    return Change.newBuilder()
        .setChangeId(ByteString.copyFrom(changeId(n)))
        .setDeviceId(device())
        .setRecordId(
            ByteString.copyFrom(
                ByteBuffer.allocate(16).putLong(0x7265636fL).putLong(n % 5).array()))
        .setPayload(ByteString.copyFrom(payload))
        .build();
  }

  /** {@code change} signed by this device in this device's vault, as a batch of one. */
  Change signed(Change change) {
    return signedBatch(List.of(change.toBuilder().clearSignature().clearBatch().build())).get(0);
  }

  /**
   * {@code changes} signed by this device's key as one batch, as clients push them; the batch names
   * the changes' device id, which tests may set to another device's or a malformed one.
   */
  List<Change> signedBatch(List<Change> changes) {
    return ChangeBatches.sign(vaultId, changes.get(0).getDeviceId(), changes, this::sign);
  }

  /** {@code change} signed on its own, without a batch proof, as clients before batches did. */
  Change signedAlone(Change change) {
    Change unsigned = change.toBuilder().clearSignature().clearBatch().build();
    return unsigned.toBuilder()
        .setSignature(ByteString.copyFrom(sign(SigningInputs.change(vaultId, unsigned))))
        .build();
  }

  /** Changes {@code from} to {@code to} of this device, signed as one batch. */
  List<Change> changes(long from, long to) {
    List<Change> changes = new ArrayList<>();
    for (long n = from; n <= to; n++) {
      changes.add(unsigned(n, ("payload " + n).getBytes(StandardCharsets.UTF_8)));
    }
    return signedBatch(changes);
  }
}
