package dev.memvault.sdk.sync;

import dev.memvault.core.VaultException;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/** What every client of the sync server does with a refusal and with its channel. */
final class ServerCalls {
  private static final Metadata.Key<String> REASON =
      Metadata.Key.of("memvault-reason", Metadata.ASCII_STRING_MARSHALLER);

  private ServerCalls() {}

  /** The refusal's stable reason (proto/README.md, "Errors"), or null if gRPC itself failed. */
  static String reason(StatusRuntimeException e) {
    Metadata trailers = e.getTrailers();
    return trailers == null ? null : trailers.get(REASON);
  }

  /**
   * One sentence for a failed call: unreachable (retry later) or refused with its reason, ending
   * with {@code consequence} ("local changes stay queued", "nothing was created").
   */
  static VaultException failure(String serverUrl, StatusRuntimeException e, String consequence) {
    if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
      return new VaultException.Unreachable(
          "cannot reach the sync server at " + serverUrl + "; " + consequence + ", try again later",
          e);
    }
    String reason = reason(e);
    return new VaultException(
        "the sync server at " + serverUrl + " refused: "
            + (reason != null ? reason + " (" + e.getStatus().getDescription() + ")"
                : e.getStatus().getCode().toString())
            + "; " + consequence, e);
  }

  /** Shuts the channel down, waiting a little for calls in flight. */
  static void close(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
