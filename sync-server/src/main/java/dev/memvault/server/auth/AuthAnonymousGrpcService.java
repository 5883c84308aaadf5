package dev.memvault.server.auth;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.AuthenticateResponse;
import dev.memvault.proto.sync.v1.AwaitKeyPackageRequest;
import dev.memvault.proto.sync.v1.AwaitKeyPackageResponse;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.GetRecoveryBundleRequest;
import dev.memvault.proto.sync.v1.JoinWithRecoveryRequest;
import dev.memvault.proto.sync.v1.PostJoinRequestRequest;
import dev.memvault.proto.sync.v1.PostJoinRequestResponse;
import dev.memvault.proto.sync.v1.RecoveryBundle;
import dev.memvault.proto.sync.v1.RegisterVaultRequest;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.SigningInputs;
import dev.memvault.server.devices.DeviceChains;
import dev.memvault.server.devices.PairingSlots;
import dev.memvault.server.errors.RejectedException;
import dev.memvault.server.errors.RpcHandlers;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.SyncStore;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * AuthService, the unauthenticated RPCs: a device proves it holds its Ed25519 signing key by
 * signing a fresh challenge bound to this server and to the purpose of signing in, and gets a
 * short-lived session token. No passwords; the server keeps no session state ({@link Challenges},
 * {@link SessionTokens}).
 *
 * <p>GetChallenge touches no database, so floods of it cost only CPU; Authenticate and
 * RegisterVault check the challenge's HMAC before looking anything up.
 */
public final class AuthAnonymousGrpcService extends AuthServiceGrpc.AuthServiceImplBase {
  private static final int ID_LENGTH = 16;

  /** A serialized WrappedKey of a 32-byte key: well under this. */
  private static final int MAX_WRAPPED_KEY_BYTES = 1024;

  private final SyncStore store;
  private final DeviceKeys keys;
  private final Challenges challenges;
  private final SessionTokens tokens;
  private final String serverId;
  private final Limits limits;
  private final Clock clock;
  private final DeviceChains chains;
  private final PairingSlots pairings;

  public AuthAnonymousGrpcService(
      SyncStore store,
      DeviceKeys keys,
      DeviceChains chains,
      PairingSlots pairings,
      ServerSecret secret,
      String serverId,
      Duration sessionTtl,
      Limits limits,
      Clock clock,
      SecureRandom random) {
    this.store = store;
    this.keys = keys;
    this.challenges = new Challenges(secret, clock, random);
    this.tokens = new SessionTokens(secret, clock, sessionTtl);
    this.serverId = serverId;
    this.limits = limits;
    this.clock = clock;
    this.chains = chains;
    this.pairings = pairings;
  }

  @Override
  public void getChallenge(
      GetChallengeRequest request, StreamObserver<GetChallengeResponse> responses) {
    RpcHandlers.unary(
        responses,
        "GetChallenge",
        () -> {
          Challenges.Issued challenge =
              challenges.issue(id(request.getVaultId()), id(request.getDeviceId()));
          return GetChallengeResponse.newBuilder()
              .setNonce(ByteString.copyFrom(challenge.nonce()))
              .setServerId(serverId)
              .setPurpose(SigningInputs.AUTHENTICATE_PURPOSE)
              .setExpiresAtMs(challenge.expiresAtMillis())
              .build();
        });
  }

  @Override
  public void authenticate(
      AuthenticateRequest request, StreamObserver<AuthenticateResponse> responses) {
    RpcHandlers.unary(
        responses,
        "Authenticate",
        () -> {
          byte[] vaultId = id(request.getVaultId());
          byte[] deviceId = id(request.getDeviceId());
          byte[] nonce = request.getNonce().toByteArray();
          challenges.check(vaultId, deviceId, nonce);
          Optional<Device> registered = store.device(vaultId, deviceId);
          if (registered.isEmpty()) {
            return signInGrant(request, vaultId, deviceId, nonce);
          }
          Device device = registered.get();
          if (device.getRevokedAtMs() != 0) {
            throw new RejectedException(ErrorReason.DEVICE_REVOKED);
          }
          checkProof(device.getSigningPublicKeyset(), request, vaultId, deviceId, nonce);
          challenges.consume(nonce);
          return session(tokens.issue(vaultId, deviceId));
        });
  }

  /**
   * A provider signs in under its grant's id with the signing key the grant names; a grant that is
   * revoked or expired gets GRANT_ENDED, an id that is neither a device nor a grant UNKNOWN_DEVICE.
   */
  private AuthenticateResponse signInGrant(
      AuthenticateRequest request, byte[] vaultId, byte[] grantId, byte[] nonce) {
    DeviceChain.Grant grant =
        chains
            .current(vaultId)
            .grant(ByteString.copyFrom(grantId))
            .orElseThrow(() -> new RejectedException(ErrorReason.UNKNOWN_DEVICE));
    checkProof(grant.created().getProviderSigningPublicKeyset(), request, vaultId, grantId, nonce);
    if (!grant.inForceAt(clock.millis())) {
      throw new RejectedException(ErrorReason.GRANT_ENDED);
    }
    challenges.consume(nonce);
    return session(tokens.issue(vaultId, grantId, SessionTokens.Holder.GRANT));
  }

  @Override
  public void registerVault(
      RegisterVaultRequest request, StreamObserver<AuthenticateResponse> responses) {
    RpcHandlers.unary(
        responses,
        "RegisterVault",
        () -> {
          if (!request.hasProof()) {
            throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
          }
          AuthenticateRequest proof = request.getProof();
          byte[] vaultId = id(proof.getVaultId());
          byte[] deviceId = id(proof.getDeviceId());
          byte[] nonce = proof.getNonce().toByteArray();
          challenges.check(vaultId, deviceId, nonce);
          ByteString keyset = request.getSigningPublicKeyset();
          limits.checkPublicKeyset(keyset.size());
          checkProof(keyset, proof, vaultId, deviceId, nonce);
          challenges.consume(nonce);
          Device first =
              Device.newBuilder()
                  .setDeviceId(proof.getDeviceId())
                  .setSigningPublicKeyset(keyset)
                  .setRegisteredAtMs(clock.millis())
                  .build();
          if (!request.hasGenesis()) {
            throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
          }
          if (request.getStartOverChainCount() > 0) {
            startOver(request, vaultId, proof.getDeviceId(), keyset);
            return session(tokens.issue(vaultId, deviceId));
          }
          DeviceChain chain = chains.checkGenesis(vaultId, request.getGenesis(), first);
          Optional<SyncStore.RecoveryRecord> recovery = Optional.empty();
          if (chain.recoveryPublicKey().isPresent() && !request.getRootKeyByRecovery().isEmpty()) {
            if (request.getRootKeyByRecovery().size() > MAX_WRAPPED_KEY_BYTES) {
              throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
            }
            recovery =
                Optional.of(
                    new SyncStore.RecoveryRecord(
                        chain.recoveryPublicKey().get(),
                        vaultId,
                        request.getRootKeyByRecovery().toByteArray()));
          }
          if (!store.registerVault(vaultId, first, Optional.of(request.getGenesis()), recovery)) {
            throw new RejectedException(ErrorReason.VAULT_EXISTS);
          }
          return session(tokens.issue(vaultId, deviceId));
        });
  }

  /**
   * Replaces the vault's log and device chain by an empty log and the chain a device uploads
   * (RegisterVaultRequest.start_over_chain): every link checked from the first, the caller an
   * active device of it with the keyset it signed in with and, where this server holds the vault,
   * of the chain held too (a device revoked here cannot wipe the vault with an older chain).
   */
  private void startOver(
      RegisterVaultRequest request, byte[] vaultId, ByteString deviceId, ByteString keyset) {
    List<SignedDeviceLink> links = request.getStartOverChainList();
    if (!links.get(0).equals(request.getGenesis())) {
      throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    }
    for (SignedDeviceLink link : links) {
      if (link.getSerializedSize() > DeviceChains.MAX_LINK_BYTES) {
        throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
      }
    }
    DeviceChains.CheckedChain checked = chains.checkWhole(vaultId, links);
    DeviceChain.Member caller = checked.chain().member(deviceId).orElseThrow(() -> unknownDevice());
    if (!caller.active() || !caller.signingPublicKeyset().equals(keyset)) {
      throw new RejectedException(ErrorReason.UNKNOWN_DEVICE);
    }
    DeviceChain held = chains.current(vaultId);
    if (held.headSeq() > 0) {
      DeviceChain.Member here = held.member(deviceId).orElseThrow(() -> unknownDevice());
      if (!here.active()) {
        throw new RejectedException(ErrorReason.DEVICE_REVOKED);
      }
    }
    Optional<SyncStore.RecoveryRecord> recovery = Optional.empty();
    if (checked.chain().recoveryPublicKey().isPresent()
        && !request.getRootKeyByRecovery().isEmpty()) {
      if (request.getRootKeyByRecovery().size() > MAX_WRAPPED_KEY_BYTES) {
        throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
      }
      recovery =
          Optional.of(
              new SyncStore.RecoveryRecord(
                  checked.chain().recoveryPublicKey().get(),
                  vaultId,
                  request.getRootKeyByRecovery().toByteArray()));
    }
    if (!store.startOver(vaultId, links, checked.effects(), recovery, clock.millis())) {
      // The recovery key is another vault's on this server.
      throw new RejectedException(ErrorReason.VAULT_EXISTS);
    }
  }

  private static RejectedException unknownDevice() {
    return new RejectedException(ErrorReason.UNKNOWN_DEVICE);
  }

  @Override
  public void postJoinRequest(
      PostJoinRequestRequest request, StreamObserver<PostJoinRequestResponse> responses) {
    RpcHandlers.unary(
        responses,
        "PostJoinRequest",
        () -> {
          pairings.postJoinRequest(request.getPairingId(), request.getJoinRequest());
          return PostJoinRequestResponse.getDefaultInstance();
        });
  }

  @Override
  public void awaitKeyPackage(
      AwaitKeyPackageRequest request, StreamObserver<AwaitKeyPackageResponse> responses) {
    RpcHandlers.unary(
        responses,
        "AwaitKeyPackage",
        () ->
            AwaitKeyPackageResponse.newBuilder()
                .setSealedKeyPackage(pairings.keyPackage(request.getPairingId()))
                .build());
  }

  @Override
  public void getRecoveryBundle(
      GetRecoveryBundleRequest request, StreamObserver<RecoveryBundle> responses) {
    RpcHandlers.unary(
        responses,
        "GetRecoveryBundle",
        () -> {
          if (request.getRecoveryPublicKey().size() != DeviceChain.RECOVERY_PUBLIC_KEY_LENGTH) {
            throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
          }
          SyncStore.RecoveryRecord record =
              store
                  .recovery(request.getRecoveryPublicKey().toByteArray())
                  .orElseThrow(() -> new RejectedException(ErrorReason.UNKNOWN_RECOVERY));
          return RecoveryBundle.newBuilder()
              .setVaultId(ByteString.copyFrom(record.vaultId()))
              .setRootKeyByRecovery(ByteString.copyFrom(record.rootKeyByRecovery()))
              .addAllChain(store.deviceChain(record.vaultId()))
              .build();
        });
  }

  /**
   * A new device proves it holds its signing key (a signed challenge, as for Authenticate) and
   * presents the link that adds it, signed with the vault's recovery key.
   */
  @Override
  public void joinWithRecovery(
      JoinWithRecoveryRequest request, StreamObserver<AuthenticateResponse> responses) {
    RpcHandlers.unary(
        responses,
        "JoinWithRecovery",
        () -> {
          if (!request.hasProof() || !request.hasLink()) {
            throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
          }
          AuthenticateRequest proof = request.getProof();
          byte[] vaultId = id(proof.getVaultId());
          byte[] deviceId = id(proof.getDeviceId());
          byte[] nonce = proof.getNonce().toByteArray();
          challenges.check(vaultId, deviceId, nonce);
          DeviceLink link = parseLink(request.getLink());
          if (!link.hasAdded() || !link.getAdded().getDeviceId().equals(proof.getDeviceId())) {
            throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
          }
          ByteString keyset = link.getAdded().getSigningPublicKeyset();
          limits.checkPublicKeyset(keyset.size());
          checkProof(keyset, proof, vaultId, deviceId, nonce);
          if (store.device(vaultId, deviceId).isPresent()) {
            throw new RejectedException(ErrorReason.DEVICE_EXISTS);
          }
          chains.append(vaultId, request.getLink(), ByteString.EMPTY);
          challenges.consume(nonce);
          return session(tokens.issue(vaultId, deviceId));
        });
  }

  private static DeviceLink parseLink(SignedDeviceLink signed) {
    try {
      return DeviceLink.parseFrom(signed.getLink());
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    }
  }

  private void checkProof(
      ByteString keyset, AuthenticateRequest proof, byte[] vaultId, byte[] deviceId, byte[] nonce) {
    byte[] signed =
        SigningInputs.authentication(
            serverId, SigningInputs.AUTHENTICATE_PURPOSE, vaultId, deviceId, nonce);
    if (!keys.verifies(keyset, proof.getSignature().toByteArray(), signed)) {
      throw new RejectedException(ErrorReason.BAD_SIGNATURE);
    }
  }

  private static AuthenticateResponse session(SessionTokens.Issued session) {
    return AuthenticateResponse.newBuilder()
        .setSessionToken(session.token())
        .setExpiresAtMs(session.expiresAtMillis())
        .build();
  }

  private static byte[] id(ByteString id) {
    if (id.size() != ID_LENGTH) {
      throw new RejectedException(ErrorReason.MALFORMED_ID);
    }
    return id.toByteArray();
  }
}
