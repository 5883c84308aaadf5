package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.AuthServiceGrpc;
import dev.memvault.proto.sync.v1.AuthenticateRequest;
import dev.memvault.proto.sync.v1.GetChallengeRequest;
import dev.memvault.proto.sync.v1.GetChallengeResponse;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.SigningInputs;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What every client of the sync server does to sign in, with a refusal, and with its channel. */
final class ServerCalls {
  private ServerCalls() {}

  /** Whether the server refused the call for {@code reason} (proto/README.md, "Errors"). */
  static boolean refusedFor(StatusRuntimeException e, ErrorReason reason) {
    return ErrorReason.from(e.getTrailers()).orElse(null) == reason;
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
    if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
      return new VaultException(
          "the sync server at "
              + serverUrl
              + " is older than this memvault (it lacks a call this"
              + " device makes): upgrade the server first; "
              + consequence,
          e);
    }
    Optional<String> advice = ErrorReason.from(e.getTrailers()).map(ServerCalls::whatToDo);
    if (advice.isPresent() && !advice.get().isEmpty()) {
      return new VaultException(
          "the sync server at " + serverUrl + " refused: " + advice.get() + "; " + consequence, e);
    }
    // The trailer as sent, so that a reason from a newer server than this client is shown too.
    Metadata trailers = e.getTrailers();
    String reason = trailers == null ? null : trailers.get(ErrorReason.TRAILER_KEY);
    return new VaultException(
        "the sync server at "
            + serverUrl
            + " refused: "
            + (reason != null
                ? reason + " (" + e.getStatus().getDescription() + ")"
                : e.getStatus().getCode().toString())
            + "; "
            + consequence,
        e);
  }

  /**
   * What a person can do about a refusal that is no fault of this device (a limit of the server);
   * empty for the reasons whose description says enough.
   */
  private static String whatToDo(ErrorReason reason) {
    return switch (reason) {
      case SERVER_FULL -> "it accepts no more vaults; ask its operator, or use another server";
      case SERVER_STORAGE_FULL ->
          "its storage is full and it accepts no more changes; ask its operator to make room";
      case QUOTA_EXCEEDED ->
          "this vault has used up its storage quota on it; ask its operator for a larger one";
      case TOO_MANY_PAIRINGS ->
          "this device has too many pairing codes open; finish one or wait ten minutes for them"
              + " to expire";
      case TOO_MANY_PUSH_STREAMS ->
          "this device is already pushing in another sync; wait for it to finish and sync again";
      default -> "";
    };
  }

  /**
   * A fresh sign-in challenge for the device.
   *
   * @throws VaultException if the server asks for a signature for another purpose
   */
  static GetChallengeResponse challenge(
      AuthServiceGrpc.AuthServiceBlockingStub auth, byte[] vaultId, byte[] deviceId) {
    GetChallengeResponse challenge =
        auth.getChallenge(
            GetChallengeRequest.newBuilder()
                .setVaultId(ByteString.copyFrom(vaultId))
                .setDeviceId(ByteString.copyFrom(deviceId))
                .build());
    if (!SigningInputs.AUTHENTICATE_PURPOSE.equals(challenge.getPurpose())) {
      throw new VaultException(
          "the sync server asked this device to sign something other than a sign-in; refusing");
    }
    return challenge;
  }

  /** The device's signature over {@code challenge} (proto/README.md, "Signing inputs"). */
  static AuthenticateRequest signedProof(
      GetChallengeResponse challenge, byte[] vaultId, byte[] deviceId, DeviceSigningKey key) {
    return signedProof(challenge, vaultId, deviceId, key::sign);
  }

  /** A signature over {@code challenge} by {@code sign}: a device's, or a grant's provider's. */
  static AuthenticateRequest signedProof(
      GetChallengeResponse challenge,
      byte[] vaultId,
      byte[] deviceId,
      java.util.function.UnaryOperator<byte[]> sign) {
    byte[] signed =
        SigningInputs.authentication(
            challenge.getServerId(),
            challenge.getPurpose(),
            vaultId,
            deviceId,
            challenge.getNonce().toByteArray());
    return AuthenticateRequest.newBuilder()
        .setVaultId(ByteString.copyFrom(vaultId))
        .setDeviceId(ByteString.copyFrom(deviceId))
        .setNonce(challenge.getNonce())
        .setSignature(ByteString.copyFrom(sign.apply(signed)))
        .build();
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
