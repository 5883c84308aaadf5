package dev.memvault.server.devices;

import com.google.protobuf.ByteString;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import dev.memvault.server.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The relay of device linking (proto/README.md, "Device linking"): an existing device opens a slot,
 * the new device posts its join request into it, the existing device posts the sealed key package
 * back. Both payloads are opaque here and authenticated end to end with the pairing code's secret,
 * which the server never sees; the server only bounds sizes and lifetimes. Slots live in the store,
 * so the two devices may reach different server processes that share one database.
 */
public final class PairingSlots {
  public static final int PAIRING_ID_BYTES = 8;
  public static final Duration LIFETIME = Duration.ofMinutes(10);
  public static final int MAX_JOIN_REQUEST_BYTES = 8 * 1024;
  public static final int MAX_KEY_PACKAGE_BYTES = 16 * 1024;

  private final SyncStore store;
  private final Clock clock;

  public PairingSlots(SyncStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Opens a slot for the calling device of its vault; returns when it expires.
   *
   * @throws SyncStore.CapReachedException if the device has as many slots open as it may
   */
  public long open(ByteString vaultId, ByteString deviceId, ByteString pairingId) {
    long now = clock.millis();
    long expiresAt = now + LIFETIME.toMillis();
    byte[] id = id(pairingId);
    if (!store.openPairing(id, vaultId.toByteArray(), deviceId.toByteArray(), now, expiresAt)) {
      throw new RejectedException(ErrorReason.PAIRING_EXISTS);
    }
    return expiresAt;
  }

  /** The new device's side: posts its join request. */
  public void postJoinRequest(ByteString pairingId, ByteString joinRequest) {
    if (joinRequest.isEmpty() || joinRequest.size() > MAX_JOIN_REQUEST_BYTES) {
      throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
    }
    byte[] id = id(pairingId);
    if (!store.postJoinRequest(id, joinRequest.toByteArray(), clock.millis())) {
      throw new RejectedException(
          slot(id).isPresent() ? ErrorReason.PAIRING_USED : ErrorReason.UNKNOWN_PAIRING);
    }
  }

  /** The existing device's side: the join request, or empty while none was posted. */
  public ByteString joinRequest(ByteString vaultId, ByteString pairingId) {
    SyncStore.Pairing slot = ownSlot(vaultId, pairingId);
    return slot.joinRequest().map(ByteString::copyFrom).orElse(ByteString.EMPTY);
  }

  /** The existing device's side: posts the sealed key package for the new device. */
  public void postKeyPackage(ByteString vaultId, ByteString pairingId, ByteString sealed) {
    if (sealed.isEmpty() || sealed.size() > MAX_KEY_PACKAGE_BYTES) {
      throw new RejectedException(ErrorReason.MALFORMED_REQUEST);
    }
    byte[] id = id(pairingId);
    ownSlot(vaultId, pairingId);
    if (!store.postKeyPackage(id, vaultId.toByteArray(), sealed.toByteArray(), clock.millis())) {
      throw new RejectedException(ErrorReason.PAIRING_USED);
    }
  }

  /** The new device's side: the sealed key package, or empty while none was posted. */
  public ByteString keyPackage(ByteString pairingId) {
    SyncStore.Pairing slot =
        slot(id(pairingId)).orElseThrow(() -> new RejectedException(ErrorReason.UNKNOWN_PAIRING));
    return slot.sealedKeyPackage().map(ByteString::copyFrom).orElse(ByteString.EMPTY);
  }

  /** A slot of the caller's vault; another vault's slot is as good as unknown to the caller. */
  private SyncStore.Pairing ownSlot(ByteString vaultId, ByteString pairingId) {
    SyncStore.Pairing slot =
        slot(id(pairingId)).orElseThrow(() -> new RejectedException(ErrorReason.UNKNOWN_PAIRING));
    if (!Arrays.equals(slot.vaultId(), vaultId.toByteArray())) {
      throw new RejectedException(ErrorReason.UNKNOWN_PAIRING);
    }
    return slot;
  }

  private Optional<SyncStore.Pairing> slot(byte[] pairingId) {
    return store.pairing(pairingId, clock.millis());
  }

  private static byte[] id(ByteString pairingId) {
    if (pairingId.size() != PAIRING_ID_BYTES) {
      throw new RejectedException(ErrorReason.MALFORMED_ID);
    }
    return pairingId.toByteArray();
  }
}
