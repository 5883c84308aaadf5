package dev.memvault.server.sync;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.SyncServiceGrpc;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.auth.AuthenticatedDevice;
import dev.memvault.server.errors.GrpcErrors;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most a given number of PushStream calls open per device in this process: one more ends
 * RESOURCE_EXHAUSTED with {@link ErrorReason#TOO_MANY_PUSH_STREAMS} before its handler runs, so a
 * device cannot hold the push buffer's places, or threads, with many idle streams. A call counts
 * from its start until the server closes it (before the client can see its status, so a client that
 * saw one stream end may open the next) or it is cancelled. Runs inside the auth interceptor, which
 * names the device.
 */
public final class PushStreamsPerDevice implements ServerInterceptor {
  private static final String PUSH_STREAM =
      SyncServiceGrpc.getPushStreamMethod().getFullMethodName();

  private final int maxPerDevice;
  private final Map<ByteString, Integer> open = new ConcurrentHashMap<>();

  public PushStreamsPerDevice(int maxPerDevice) {
    if (maxPerDevice <= 0) {
      throw new IllegalArgumentException("a device must be allowed a PushStream");
    }
    this.maxPerDevice = maxPerDevice;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!PUSH_STREAM.equals(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    ByteString device = AuthenticatedDevice.current().rateKey();
    if (!tryOpen(device)) {
      StatusRuntimeException refusal = GrpcErrors.status(ErrorReason.TOO_MANY_PUSH_STREAMS);
      call.close(refusal.getStatus(), refusal.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean closed = new AtomicBoolean();
    Runnable release =
        () -> {
          if (closed.compareAndSet(false, true)) {
            close(device);
          }
        };
    ServerCall<Q, R> releasing =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            release.run();
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(releasing, headers);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          release.run();
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          release.run();
        }
      }
    };
  }

  /** Open PushStream calls, all devices (for metrics). */
  public int openStreams() {
    return open.values().stream().mapToInt(Integer::intValue).sum();
  }

  private boolean tryOpen(ByteString device) {
    boolean[] opened = {false};
    open.compute(
        device,
        (key, count) -> {
          int now = count == null ? 0 : count;
          if (now >= maxPerDevice) {
            return count;
          }
          opened[0] = true;
          return now + 1;
        });
    return opened[0];
  }

  private void close(ByteString device) {
    open.computeIfPresent(device, (key, count) -> count <= 1 ? null : count - 1);
  }
}
