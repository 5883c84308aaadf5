package dev.memvault.server.auth;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.GrpcErrors;
import dev.memvault.server.errors.RejectedException;
import dev.memvault.server.store.SyncStore;
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
 * The one gate of SyncService: every call must carry {@code authorization: Bearer <session token>}
 * of a registered, unrevoked device; the call then runs with that device in its context ({@link
 * AuthenticatedDevice#current()}). Anything else ends the call with UNAUTHENTICATED before the
 * service sees it: AUTH_REQUIRED (no token, or not one this server issued), SESSION_EXPIRED,
 * DEVICE_REVOKED; a grant's session gets NOT_A_DEVICE (PERMISSION_DENIED).
 */
public final class AuthInterceptor implements ServerInterceptor {
  /** Package-private: only this interceptor sets it, only {@link AuthenticatedDevice} reads it. */
  static final Context.Key<AuthenticatedDevice> CALLER = Context.key("memvault-caller");

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final SyncStore store;
  private final SessionTokens tokens;

  public AuthInterceptor(SyncStore store, ServerSecret secret, Clock clock) {
    this.store = store;
    this.tokens = new SessionTokens(secret, clock, Duration.ZERO); // verifies only
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    AuthenticatedDevice caller;
    try {
      caller = authenticate(headers.get(AUTHORIZATION));
    } catch (RuntimeException e) {
      StatusRuntimeException status =
          GrpcErrors.toStatusException(call.getMethodDescriptor().getFullMethodName(), e);
      call.close(status.getStatus(), status.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }

  private AuthenticatedDevice authenticate(String authorization) {
    SessionTokens.Session session = tokens.verifyHeader(authorization);
    if (session.holder() != SessionTokens.Holder.DEVICE) {
      throw new RejectedException(ErrorReason.NOT_A_DEVICE);
    }
    Device device =
        store
            .device(session.vaultId(), session.deviceId())
            .orElseThrow(() -> new RejectedException(ErrorReason.AUTH_REQUIRED));
    if (device.getRevokedAtMs() != 0) {
      throw new RejectedException(ErrorReason.DEVICE_REVOKED);
    }
    return new AuthenticatedDevice(ByteString.copyFrom(session.vaultId()), device);
  }
}
