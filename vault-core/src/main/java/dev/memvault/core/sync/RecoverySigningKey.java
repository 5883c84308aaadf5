package dev.memvault.core.sync;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.internal.crypto.EpochKeySeals;
import dev.memvault.core.internal.crypto.Hpke;
import dev.memvault.core.internal.crypto.RecoveryKey;
import dev.memvault.core.internal.crypto.RootKey;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The Ed25519 key a recovery key derives (proto/README.md, "Device chain"). The vault's first link
 * names its public key and carries its signature; later, a device that holds only the recovery key
 * signs the link that adds it with this key. Devices never store it: it exists only while a
 * recovery key is at hand (vault creation, join --recovery), so a lost device cannot use it.
 *
 * <p>Never prints key material; has no equals or hashCode.
 */
public final class RecoverySigningKey {
  private final Ed25519Sign signer;
  private final byte[] publicKey;
  private final RecoveryKey recovery;

  private RecoverySigningKey(Ed25519Sign signer, byte[] publicKey, RecoveryKey recovery) {
    this.signer = signer;
    this.publicKey = publicKey;
    this.recovery = recovery;
  }

  public static RecoverySigningKey derive(RecoveryKey recovery) {
    SecretBytes seed = recovery.signingSeed();
    byte[] seedBytes = seed.toByteArray(InsecureSecretKeyAccess.get());
    try {
      Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPairFromSeed(seedBytes);
      byte[] privateKey = pair.getPrivateKey();
      try {
        return new RecoverySigningKey(new Ed25519Sign(privateKey), pair.getPublicKey(), recovery);
      } finally {
        Arrays.fill(privateKey, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 unavailable", e);
    } finally {
      Arrays.fill(seedBytes, (byte) 0);
    }
  }

  /** The raw 32-byte Ed25519 public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The public keyset of the recovery key's HPKE key for vault {@code vaultId}, to which every
   * epoch of the vault root key is sealed.
   */
  public byte[] encryptionPublicKeyset(byte[] vaultId) {
    return Hpke.publicKeyset(Hpke.fromSeed(recovery.encryptionSeed(vaultId)));
  }

  /**
   * Opens an epoch key sealed to the recovery key ({@code EpochStarted.sealed_to_recovery}).
   *
   * @throws GeneralSecurityException if it was not sealed to this recovery key for this epoch
   */
  public RootKey openEpochKey(byte[] vaultId, int epoch, byte[] sealed)
      throws GeneralSecurityException {
    return EpochKeySeals.fromOpened(
        Hpke.open(
            Hpke.fromSeed(recovery.encryptionSeed(vaultId)),
            sealed,
            EpochKeySeals.recoveryContext(vaultId, epoch)));
  }

  public byte[] sign(byte[] data) {
    try {
      return signer.sign(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  @Override
  public String toString() {
    return "RecoverySigningKey[redacted]";
  }
}
