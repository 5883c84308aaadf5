package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * How an epoch key of the vault root key is sealed and wrapped (docs/FORMAT.md, "Key epochs"): to a
 * device's HPKE key and to the recovery key's, each under a context naming the vault, the epoch and
 * the recipient; the previous epoch's key under the new one; and, on a device, under its local root
 * key. Every context or associated data names the epoch, so a key sealed for one epoch never opens
 * as another's.
 */
public final class EpochKeySeals {
  private static final String TO_DEVICE = "memvault.sync.v1.epoch-key";
  private static final String TO_RECOVERY = "memvault.sync.v1.epoch-key.recovery";
  private static final String PREVIOUS = "memvault.v1.epoch-key.previous";
  private static final String LOCAL = "memvault.v1.epoch-key.local";

  private EpochKeySeals() {}

  /** The HPKE context of an epoch key sealed to device {@code deviceId}. */
  public static byte[] deviceContext(byte[] vaultId, int epoch, byte[] deviceId) {
    return AssociatedData.labeled(TO_DEVICE).bytes(vaultId).uint32(epoch).bytes(deviceId).encode();
  }

  /** The HPKE context of an epoch key sealed to the recovery key. */
  public static byte[] recoveryContext(byte[] vaultId, int epoch) {
    return AssociatedData.labeled(TO_RECOVERY).bytes(vaultId).uint32(epoch).encode();
  }

  /**
   * @throws GeneralSecurityException if {@code publicKeyset} is not an HPKE public keyset
   */
  public static byte[] seal(RootKey key, byte[] publicKeyset, byte[] context)
      throws GeneralSecurityException {
    byte[] plaintext = key.secret().toByteArray(InsecureSecretKeyAccess.get());
    try {
      return Hpke.seal(publicKeyset, plaintext, context);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** The epoch key inside {@code opened} (an HPKE plaintext), which must be 32 bytes. */
  public static RootKey fromOpened(byte[] opened) throws GeneralSecurityException {
    try {
      if (opened.length != RootKey.BYTES) {
        throw new GeneralSecurityException("a sealed epoch key is not 32 bytes");
      }
      return RootKey.of(SecretBytes.copyFrom(opened, InsecureSecretKeyAccess.get()));
    } finally {
      Arrays.fill(opened, (byte) 0);
    }
  }

  public static byte[] wrapPrevious(RootKey epochKey, RootKey previous, byte[] vaultId, int epoch)
      throws GeneralSecurityException {
    return KeyWrap.wrap(epochKey.secret(), previous.secret(), previousAd(vaultId, epoch));
  }

  /**
   * @throws GeneralSecurityException if it is not the previous key wrapped under {@code epochKey}
   */
  public static RootKey unwrapPrevious(RootKey epochKey, byte[] wrapped, byte[] vaultId, int epoch)
      throws GeneralSecurityException {
    return RootKey.of(KeyWrap.unwrap(epochKey.secret(), wrapped, previousAd(vaultId, epoch)));
  }

  public static byte[] wrapLocal(
      RootKey localRoot, RootKey epochKey, byte[] vaultId, byte[] deviceId, int epoch)
      throws GeneralSecurityException {
    return KeyWrap.wrap(localRoot.secret(), epochKey.secret(), localAd(vaultId, deviceId, epoch));
  }

  public static RootKey unwrapLocal(
      RootKey localRoot, byte[] wrapped, byte[] vaultId, byte[] deviceId, int epoch)
      throws GeneralSecurityException {
    return RootKey.of(
        KeyWrap.unwrap(localRoot.secret(), wrapped, localAd(vaultId, deviceId, epoch)));
  }

  private static byte[] previousAd(byte[] vaultId, int epoch) {
    return AssociatedData.labeled(PREVIOUS).bytes(vaultId).uint32(epoch).encode();
  }

  private static byte[] localAd(byte[] vaultId, byte[] deviceId, int epoch) {
    return AssociatedData.labeled(LOCAL).bytes(vaultId).bytes(deviceId).uint32(epoch).encode();
  }
}
