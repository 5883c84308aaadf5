package dev.memvault.server.auth;

import dev.memvault.proto.sync.SigningInputs;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.AuthenticateResponse;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.proto.sync.v1.RegisterVaultRequest;
import dev.memvault.server.errors.GrpcErrors;
import dev.memvault.server.errors.Reason;
import dev.memvault.server.errors.RejectedException;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.SyncStore;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

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

  private final SyncStore store;
  private final DeviceKeys keys;
  private final Challenges challenges;
  private final SessionTokens tokens;
  private final String serverId;
  private final Limits limits;
  private final Clock clock;

  public AuthAnonymousGrpcService(
      SyncStore store,
      DeviceKeys keys,
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
  }

  @Override
  public void getChallenge(
      GetChallengeRequest request, StreamObserver<GetChallengeResponse> responses) {
    try {
      Challenges.Issued challenge =
          challenges.issue(id(request.getVaultId()), id(request.getDeviceId()));
      responses.onNext(
          GetChallengeResponse.newBuilder()
              .setNonce(ByteString.copyFrom(challenge.nonce()))
              .setServerId(serverId)
              .setPurpose(SigningInputs.AUTHENTICATE_PURPOSE)
              .setExpiresAtMs(challenge.expiresAtMillis())
              .build());
      responses.onCompleted();
    } catch (RuntimeException e) {
      GrpcErrors.fail(responses, "GetChallenge", e);
    }
  }

  @Override
  public void authenticate(
      AuthenticateRequest request, StreamObserver<AuthenticateResponse> responses) {
    try {
      byte[] vaultId = id(request.getVaultId());
      byte[] deviceId = id(request.getDeviceId());
      byte[] nonce = request.getNonce().toByteArray();
      challenges.check(vaultId, deviceId, nonce);
      Device device =
          store
              .device(vaultId, deviceId)
              .orElseThrow(() -> new RejectedException(Reason.UNKNOWN_DEVICE));
      if (device.getRevokedAtMs() != 0) {
        throw new RejectedException(Reason.DEVICE_REVOKED);
      }
      checkProof(device.getSigningPublicKeyset(), request, vaultId, deviceId, nonce);
      challenges.consume(nonce);
      respond(responses, tokens.issue(vaultId, deviceId));
    } catch (RuntimeException e) {
      GrpcErrors.fail(responses, "Authenticate", e);
    }
  }

  @Override
  public void registerVault(
      RegisterVaultRequest request, StreamObserver<AuthenticateResponse> responses) {
    try {
      if (!request.hasProof()) {
        throw new RejectedException(Reason.MALFORMED_REQUEST);
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
      if (!store.registerVault(vaultId, first)) {
        throw new RejectedException(Reason.VAULT_EXISTS);
      }
      respond(responses, tokens.issue(vaultId, deviceId));
    } catch (RuntimeException e) {
      GrpcErrors.fail(responses, "RegisterVault", e);
    }
  }

  private void checkProof(
      ByteString keyset, AuthenticateRequest proof, byte[] vaultId, byte[] deviceId, byte[] nonce) {
    byte[] signed =
        SigningInputs.authentication(
            serverId, SigningInputs.AUTHENTICATE_PURPOSE, vaultId, deviceId, nonce);
    if (!keys.verifies(keyset, proof.getSignature().toByteArray(), signed)) {
      throw new RejectedException(Reason.BAD_SIGNATURE);
    }
  }

  private static void respond(
      StreamObserver<AuthenticateResponse> responses, SessionTokens.Issued session) {
    responses.onNext(
        AuthenticateResponse.newBuilder()
            .setSessionToken(session.token())
            .setExpiresAtMs(session.expiresAtMillis())
            .build());
    responses.onCompleted();
  }

  private static byte[] id(ByteString id) {
    if (id.size() != ID_LENGTH) {
      throw new RejectedException(Reason.MALFORMED_ID);
    }
    return id.toByteArray();
  }
}
