package dev.memvault.server.auth;

import com.google.protobuf.ByteString;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.devices.DeviceChains;
import dev.memvault.server.errors.GrpcErrors;
import dev.memvault.server.errors.RejectedException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;

/**
 * The one gate of GrantService: every call must carry a grant's session token, and the grant must
 * be in force by the vault's device chain as the server holds it at the start of the call (not
 * revoked, not past its expiry by the server's clock). It fails closed: AUTH_REQUIRED for any other
 * token, a device's included; GRANT_ENDED (PERMISSION_DENIED) once revoked or expired.
 */
public final class GrantAuthInterceptor implements ServerInterceptor {
  static final Context.Key<AuthenticatedGrant> GRANT = Context.key("memvault-grant");

  private final DeviceChains chains;
  private final SessionTokens tokens;
  private final Clock clock;

  public GrantAuthInterceptor(DeviceChains chains, ServerSecret secret, Clock clock) {
    this.chains = chains;
    this.tokens = new SessionTokens(secret, clock, Duration.ZERO); // verifies only
    this.clock = clock;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    AuthenticatedGrant grant;
    try {
      grant = authenticate(headers.get(AuthInterceptor.AUTHORIZATION));
    } catch (RuntimeException e) {
      StatusRuntimeException status =
          GrpcErrors.toStatusException(call.getMethodDescriptor().getFullMethodName(), e);
      call.close(status.getStatus(), status.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(GRANT, grant), call, headers, next);
  }

  private AuthenticatedGrant authenticate(String authorization) {
    SessionTokens.Session session = tokens.verifyHeader(authorization);
    if (session.holder() != SessionTokens.Holder.GRANT) {
      throw new RejectedException(ErrorReason.AUTH_REQUIRED);
    }
    ByteString grantId = ByteString.copyFrom(session.deviceId());
    DeviceChain.Grant grant =
        chains
            .current(session.vaultId())
            .grant(grantId)
            .orElseThrow(() -> new RejectedException(ErrorReason.AUTH_REQUIRED));
    if (!grant.inForceAt(clock.millis())) {
      throw new RejectedException(ErrorReason.GRANT_ENDED);
    }
    return new AuthenticatedGrant(
        ByteString.copyFrom(session.vaultId()), grantId, grant.scopeIds());
  }
}
