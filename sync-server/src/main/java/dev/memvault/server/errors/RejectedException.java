package dev.memvault.server.errors;

import dev.memvault.protocol.ErrorReason;

/**
 * The server refuses a request for an {@link ErrorReason}. It carries nothing but the reason, so
 * that no request data or internal detail can reach a client or a log through it; {@link
 * GrpcErrors} turns it into the reason's status.
 */
public final class RejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorReason reason;

  public RejectedException(ErrorReason reason) {
    super(reason.name(), null, false, false); // expected outcomes: no stack trace to fill
    this.reason = reason;
  }

  public ErrorReason reason() {
    return reason;
  }
}
