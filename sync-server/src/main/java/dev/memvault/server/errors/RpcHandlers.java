package dev.memvault.server.errors;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * Runs the server's RPC handlers so that whatever one throws ends its call the way {@link
 * GrpcErrors} maps it: a status code, the reason's fixed sentence and its trailer, never the
 * exception's text. Every handler of the gRPC services runs inside one of these, so a handler says
 * only what it does.
 */
public final class RpcHandlers {
  private RpcHandlers() {}

  /**
   * A unary call: sends what {@code handler} returns and completes the call; if the handler, or
   * sending its answer, throws, ends the call with the status for what it threw instead.
   *
   * @param rpc the call's name, for the log line (a fixed name, never request data)
   */
  public static <R> void unary(
      StreamObserver<R> responses, String rpc, Supplier<? extends R> handler) {
    try {
      responses.onNext(handler.get());
      responses.onCompleted();
    } catch (RuntimeException e) {
      GrpcErrors.fail(responses, rpc, e);
    }
  }

  /**
   * The start of a call that answers on {@code responses} itself, now or later (a stream); if
   * {@code handler} throws, ends the call with the status for what it threw. Failures after the
   * handler returned are the handler's to report.
   *
   * @param rpc the call's name, for the log line (a fixed name, never request data)
   */
  public static void started(StreamObserver<?> responses, String rpc, Runnable handler) {
    try {
      handler.run();
    } catch (RuntimeException e) {
      GrpcErrors.fail(responses, rpc, e);
    }
  }
}
