package dev.memvault.server.auth;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Device;

/**
 * The device a SyncService call is made by, as {@link AuthInterceptor} established it from the
 * call's session token: its vault, its id and its registration (with its public keyset, current as
 * of the start of the call).
 */
public final class AuthenticatedDevice {
  private final ByteString vaultId;
  private final Device device;

  AuthenticatedDevice(ByteString vaultId, Device device) {
    this.vaultId = vaultId;
    this.device = device;
  }

  /**
   * The device of the current call.
   *
   * @throws IllegalStateException if {@link AuthInterceptor} did not run for this call: a wiring
   *     bug of the server, never the client's fault
   */
  public static AuthenticatedDevice current() {
    AuthenticatedDevice caller = AuthInterceptor.CALLER.get();
    if (caller == null) {
      throw new IllegalStateException(
          "no authenticated device in this call's context: AuthInterceptor is not installed on"
              + " this service");
    }
    return caller;
  }

  public ByteString vaultId() {
    return vaultId;
  }

  public ByteString deviceId() {
    return device.getDeviceId();
  }

  /** The device's registration: its id, public signing keyset and times. */
  public Device device() {
    return device;
  }

  /** The rate limiter's key: vault id and device id. */
  public ByteString rateKey() {
    return vaultId.concat(device.getDeviceId());
  }

  @Override
  public String toString() {
    return "AuthenticatedDevice[vault and device ids redacted]";
  }
}
