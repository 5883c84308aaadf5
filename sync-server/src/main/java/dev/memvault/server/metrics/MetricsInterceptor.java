package dev.memvault.server.metrics;

import dev.memvault.protocol.ErrorReason;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Counts every call the server refuses, by the reason in its {@value ErrorReason#TRAILER} trailer,
 * and UNAUTHENTICATED ones separately as authentication failures. Installed on the whole server,
 * outside the auth interceptor, so that it sees that interceptor's refusals too.
 */
public final class MetricsInterceptor implements ServerInterceptor {
  private final ServerMetrics metrics;

  public MetricsInterceptor(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return next.startCall(
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            String reason = trailers.get(ErrorReason.TRAILER_KEY);
            if (reason != null) {
              metrics.rejected(reason);
              if (status.getCode() == Status.Code.UNAUTHENTICATED) {
                metrics.authFailed(reason);
              }
            }
            super.close(status, trailers);
          }
        },
        headers);
  }
}
