package dev.memvault.server.limits;

import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.GrpcErrors;
import dev.memvault.server.metrics.ServerMetrics;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Allowances per source address for the calls that need no sign-in and cost the server a write or a
 * lookup (registration, the recovery RPCs, the pairing relay), enforced here, before any handler
 * runs: a call past its address's allowance ends RESOURCE_EXHAUSTED with {@link
 * ErrorReason#RATE_LIMITED}. GetChallenge and Authenticate are not limited here: the first touches
 * no database, the second checks a challenge's HMAC before it looks anything up.
 *
 * <p>The address is the transport's peer ({@link Grpc#TRANSPORT_ATTR_REMOTE_ADDR}); an IPv6 address
 * counts by its /64 prefix, which one host may hold whole. Loopback and in-process callers are
 * exempt unless {@link Limits#limitLoopback()}. Behind a reverse proxy every client has the proxy's
 * address; no forwarded-for header is trusted, since any client can send one. Buckets live in this
 * process. What this does not bound: one client spreading calls over many addresses.
 */
public final class AddressRateInterceptor implements ServerInterceptor {
  /** The kinds of limited call, each with its own allowance per address. */
  public enum Kind {
    REGISTRATION,
    RECOVERY,
    PAIRING
  }

  private static final Map<String, Kind> KINDS =
      Map.of(
          AuthServiceGrpc.getRegisterVaultMethod().getFullMethodName(), Kind.REGISTRATION,
          AuthServiceGrpc.getGetRecoveryBundleMethod().getFullMethodName(), Kind.RECOVERY,
          AuthServiceGrpc.getJoinWithRecoveryMethod().getFullMethodName(), Kind.RECOVERY,
          AuthServiceGrpc.getPostJoinRequestMethod().getFullMethodName(), Kind.PAIRING,
          AuthServiceGrpc.getAwaitKeyPackageMethod().getFullMethodName(), Kind.PAIRING);

  private final Map<Kind, TokenBuckets<InetAddress>> buckets = new EnumMap<>(Kind.class);
  private final boolean limitLoopback;
  private final ServerMetrics metrics;

  public AddressRateInterceptor(Limits limits, Clock clock, ServerMetrics metrics) {
    buckets.put(
        Kind.REGISTRATION,
        buckets(limits.registrationsPerAddressPerHour(), Duration.ofHours(1), clock));
    buckets.put(
        Kind.RECOVERY,
        buckets(limits.recoveryCallsPerAddressPerHour(), Duration.ofHours(1), clock));
    buckets.put(
        Kind.PAIRING,
        buckets(limits.pairingCallsPerAddressPerMinute(), Duration.ofMinutes(1), clock));
    this.limitLoopback = limits.limitLoopback();
    this.metrics = metrics;
  }

  private static TokenBuckets<InetAddress> buckets(long calls, Duration per, Clock clock) {
    return new TokenBuckets<>(calls, (double) calls / per.toMillis(), clock);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Kind kind = KINDS.get(call.getMethodDescriptor().getFullMethodName());
    if (kind != null) {
      Optional<InetAddress> source =
          source(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
      if (source.isPresent() && !buckets.get(kind).tryTake(source.get(), 1)) {
        metrics.addressRateLimited(kind.name());
        StatusRuntimeException refusal = GrpcErrors.status(ErrorReason.RATE_LIMITED);
        call.close(refusal.getStatus(), refusal.getTrailers());
        return new ServerCall.Listener<>() {};
      }
    }
    return next.startCall(call, headers);
  }

  /** The address a caller counts under; empty if exempt (loopback, in-process, unknown). */
  Optional<InetAddress> source(SocketAddress remote) {
    if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return limitLoopback ? Optional.of(InetAddress.getLoopbackAddress()) : Optional.empty();
    }
    InetAddress address = inet.getAddress();
    if (address.isLoopbackAddress() && !limitLoopback) {
      return Optional.empty();
    }
    return Optional.of(address instanceof Inet6Address ? prefix64(address) : address);
  }

  private static InetAddress prefix64(InetAddress address) {
    byte[] bytes = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(bytes, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are an IPv6 address", e);
    }
  }
}
