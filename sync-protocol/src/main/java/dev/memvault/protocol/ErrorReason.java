package dev.memvault.protocol;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Optional;

/**
 * Why a sync server refused a call: the stable, machine-readable part of every error it sends,
 * carried by name in the {@value #TRAILER} trailer. Each reason has one gRPC status code and one
 * fixed English sentence, the status description; clients branch on the reason, people read the
 * sentence. proto/README.md ("Errors") lists them all.
 *
 * <p>A wire contract shared by the server and every client: a reason, once published, keeps its
 * name and code ({@code ErrorReasonTest} pins them), and a client meets names it does not know
 * (from a newer server) as no reason at all.
 */
public enum ErrorReason {
  // ------------------------------------------------------------ authentication (the caller's)
  AUTH_REQUIRED(Status.Code.UNAUTHENTICATED, "A valid session token is required."),
  SESSION_EXPIRED(Status.Code.UNAUTHENTICATED, "The session has expired; authenticate again."),
  DEVICE_REVOKED(Status.Code.UNAUTHENTICATED, "This device has been revoked from the vault."),
  UNKNOWN_DEVICE(Status.Code.UNAUTHENTICATED, "This device is not registered in this vault."),
  BAD_CHALLENGE(
      Status.Code.UNAUTHENTICATED,
      "The challenge was not issued by this server for this device, or was already used."),
  CHALLENGE_EXPIRED(Status.Code.UNAUTHENTICATED, "The challenge has expired; request a new one."),
  BAD_SIGNATURE(Status.Code.UNAUTHENTICATED, "The signature over the challenge does not verify."),
  GRANT_ENDED(
      Status.Code.PERMISSION_DENIED, "This grant was revoked or has expired; it reads nothing."),
  NOT_A_DEVICE(
      Status.Code.PERMISSION_DENIED,
      "A grant's session only reads its granted scopes; this call is for the vault's devices."),

  // ------------------------------------------------------------ requests (the client's fault)
  MALFORMED_ID(
      Status.Code.INVALID_ARGUMENT, "A vault, device, change or record id is not 16 bytes."),
  MALFORMED_REQUEST(Status.Code.INVALID_ARGUMENT, "A required field of the request is missing."),
  MALFORMED_MESSAGE(
      Status.Code.INVALID_ARGUMENT, "The request's bytes are not a message of the call's type."),
  BAD_KEYSET(
      Status.Code.INVALID_ARGUMENT,
      "The signing public keyset is not a Tink Ed25519 public keyset of acceptable size."),
  BAD_CHANGE_SIGNATURE(
      Status.Code.INVALID_ARGUMENT,
      "A change's signature does not verify under its device's registered key."),
  WRONG_DEVICE(
      Status.Code.PERMISSION_DENIED,
      "A change names a device other than the authenticated device."),
  VAULT_EXISTS(Status.Code.ALREADY_EXISTS, "A vault with this id already exists."),
  BAD_DEVICE_LINK(
      Status.Code.INVALID_ARGUMENT,
      "The device link does not extend the vault's device chain by its rules."),
  CHAIN_CONFLICT(
      Status.Code.ABORTED, "Another device link was appended first; read the chain and retry."),
  UNKNOWN_PAIRING(
      Status.Code.NOT_FOUND, "No open pairing slot has this id: it expired or was never opened."),
  PAIRING_USED(
      Status.Code.FAILED_PRECONDITION,
      "The pairing slot already holds what this call would post; open a new one."),
  PAIRING_EXISTS(Status.Code.ALREADY_EXISTS, "A pairing slot with this id is already open."),
  UNKNOWN_RECOVERY(Status.Code.NOT_FOUND, "No vault on this server has this recovery key."),
  DEVICE_EXISTS(Status.Code.ALREADY_EXISTS, "A device with this id is already in the vault."),
  UNKNOWN_VAULT(Status.Code.NOT_FOUND, "No vault with this id exists."),

  // ------------------------------------------------------------ limits (proto/README.md)
  BATCH_TOO_LARGE(Status.Code.INVALID_ARGUMENT, "The push holds more changes than one push may."),
  PAYLOAD_TOO_LARGE(
      Status.Code.INVALID_ARGUMENT, "A change's payload or signature is larger than allowed."),
  QUOTA_EXCEEDED(Status.Code.RESOURCE_EXHAUSTED, "The vault's storage quota would be exceeded."),
  RATE_LIMITED(
      Status.Code.RESOURCE_EXHAUSTED,
      "Too many changes from this device, or calls from this address; retry later."),
  TOO_MANY_WATCHES(Status.Code.RESOURCE_EXHAUSTED, "The vault has too many open Watch streams."),
  SERVER_FULL(Status.Code.RESOURCE_EXHAUSTED, "This server accepts no more vaults."),
  SERVER_STORAGE_FULL(
      Status.Code.RESOURCE_EXHAUSTED, "This server's storage is full; it accepts no more changes."),
  TOO_MANY_PAIRINGS(
      Status.Code.RESOURCE_EXHAUSTED,
      "This device has too many open pairing slots; finish one or let it expire."),
  TOO_MANY_PUSH_STREAMS(
      Status.Code.RESOURCE_EXHAUSTED, "This device has too many open PushStream calls."),

  // ------------------------------------------------------------ the server's side
  SHUTTING_DOWN(Status.Code.UNAVAILABLE, "The server is shutting down; reconnect and resume."),
  STORE_UNAVAILABLE(Status.Code.UNAVAILABLE, "The server's storage is unavailable; retry later."),
  INTERNAL(Status.Code.INTERNAL, "Internal server error.");

  /** The name of the trailer that carries a refusal's reason. */
  public static final String TRAILER = "memvault-reason";

  /** The trailer that carries a refusal's reason, by its {@link #name()}. */
  public static final Metadata.Key<String> TRAILER_KEY =
      Metadata.Key.of(TRAILER, Metadata.ASCII_STRING_MARSHALLER);

  private final Status.Code code;
  private final String description;

  ErrorReason(Status.Code code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The gRPC status code every refusal for this reason carries. */
  public Status.Code code() {
    return code;
  }

  /** The fixed sentence sent as the status description. */
  public String description() {
    return description;
  }

  /** The trailers a refusal for this reason carries. */
  public Metadata trailers() {
    Metadata trailers = new Metadata();
    trailers.put(TRAILER_KEY, name());
    return trailers;
  }

  /**
   * The reason {@code trailers} carry: empty if they carry none (gRPC itself failed the call, or it
   * came from something other than a memvault server) or one this version does not know.
   */
  public static Optional<ErrorReason> from(Metadata trailers) {
    if (trailers == null) {
      return Optional.empty();
    }
    String name = trailers.get(TRAILER_KEY);
    for (ErrorReason reason : values()) {
      if (reason.name().equals(name)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  /**
   * The reason a failed call was refused for, from the trailers of the first gRPC status exception
   * in {@code failure}'s causal chain; empty as {@link #from(Metadata)} says, or if there is none.
   */
  public static Optional<ErrorReason> of(Throwable failure) {
    return from(Status.trailersFromThrowable(failure));
  }
}
