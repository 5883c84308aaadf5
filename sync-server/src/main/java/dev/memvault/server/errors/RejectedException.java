package dev.memvault.server.errors;

/**
 * The server refuses a request for a {@link Reason}. It carries nothing but the reason, so that no
 * request data or internal detail can reach a client or a log through it; {@link GrpcErrors} turns
 * it into the reason's status.
 */
public final class RejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public RejectedException(Reason reason) {
    super(reason.name(), null, false, false); // expected outcomes: no stack trace to fill
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
