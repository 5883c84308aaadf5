package dev.memvault.core.vault;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.EpochKeySeals;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.EpochStarted;
import dev.memvault.proto.sync.v1.SealedEpochKey;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Key epochs of the vault root key on this device (docs/FORMAT.md, "Key epochs"): starting the next
 * one, sealed to exactly the devices the verified chain lists as active (and to the recovery key),
 * and taking in the ones other devices started. The new key is random, never derived from a key an
 * earlier member held, so a revoked device that is handed every byte by a colluding server still
 * opens nothing sealed under it.
 */
final class KeyEpochs {
  private final EpochKeys keys;
  private final DeviceIdentity identity;
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final Clock clock;

  KeyEpochs(EpochKeys keys, DeviceIdentity identity, byte[] vaultId, byte[] deviceId, Clock clock) {
    this.keys = keys;
    this.identity = identity;
    this.vaultId = vaultId;
    this.deviceId = deviceId;
    this.clock = clock;
  }

  /**
   * Opens and stores every epoch key of {@code chain} sealed to this device that it does not hold
   * yet; returns how many. An epoch not sealed to this device (started before it joined, which its
   * key package covered, or after it was revoked) is passed over.
   *
   * @throws VaultException.Corrupt if a key sealed to this device does not open, or its previous
   *     epoch's key is not the one this device holds
   */
  int accept(DeviceChain chain) throws SQLException, GeneralSecurityException {
    int added = 0;
    ByteString self = ByteString.copyFrom(deviceId);
    for (EpochStarted epoch : chain.epochs()) {
      if (keys.of(epoch.getEpoch()).isPresent()) {
        continue;
      }
      Optional<SealedEpochKey> mine =
          epoch.getSealedKeysList().stream().filter(k -> k.getDeviceId().equals(self)).findFirst();
      if (mine.isEmpty()) {
        continue;
      }
      RootKey key;
      try {
        key = open(mine.get(), epoch.getEpoch());
      } catch (GeneralSecurityException e) {
        throw new VaultException.Corrupt(
            "the key of epoch "
                + epoch.getEpoch()
                + " sealed to this device in the vault's device list does not open with this"
                + " device's key; refusing to sync");
      }
      checkPrevious(epoch, key);
      keys.add(epoch.getEpoch(), key);
      added++;
    }
    return added;
  }

  /**
   * The epoch key sealed to this device: to its encryption key, or to the one it had before a
   * rekey, for an epoch another device started before the new key was in the chain.
   */
  private RootKey open(SealedEpochKey sealed, int epoch)
      throws SQLException, GeneralSecurityException {
    byte[] context = EpochKeySeals.deviceContext(vaultId, epoch, deviceId);
    byte[] ciphertext = sealed.getCiphertext().toByteArray();
    try {
      return EpochKeySeals.fromOpened(identity.encryptionKey().open(ciphertext, context));
    } catch (GeneralSecurityException e) {
      Optional<DeviceEncryptionKey> previous = identity.previousEncryptionKey();
      if (previous.isEmpty()) {
        throw e;
      }
      return EpochKeySeals.fromOpened(previous.get().open(ciphertext, context));
    }
  }

  /**
   * The link that starts the epoch after {@code chain}'s newest, sealed to each of its active
   * devices and to its recovery key. This device takes the key in once the server stored the link
   * ({@link #accept}), as every other device does: a link the server refuses leaves no key behind.
   *
   * @throws VaultException if this device does not hold the chain's newest epoch, or an active
   *     device has not named an encryption key yet
   */
  SignedDeviceLink startNext(DeviceChain chain, DeviceSigningKey signer)
      throws GeneralSecurityException {
    if (keys.currentEpoch() != chain.currentEpoch()) {
      throw new VaultException(
          "this device does not hold the vault's newest key epoch; run `memvault sync` and try"
              + " again");
    }
    int next = chain.currentEpoch() + 1;
    RootKey key = RootKey.generate();
    EpochStarted.Builder epoch =
        EpochStarted.newBuilder()
            .setEpoch(next)
            .setPreviousKey(
                ByteString.copyFrom(
                    EpochKeySeals.wrapPrevious(key, keys.current(), vaultId, next)));
    for (DeviceChain.Member member : chain.members()) {
      if (!member.active()) {
        continue;
      }
      if (member.encryptionPublicKeyset().isEmpty()) {
        throw new VaultException(
            "device "
                + HexFormat.of().formatHex(member.deviceId().toByteArray())
                + " has not named its encryption key yet: sync it once with this version of"
                + " memvault (or revoke it), then try again; nothing was changed");
      }
      byte[] id = member.deviceId().toByteArray();
      epoch.addSealedKeys(
          SealedEpochKey.newBuilder()
              .setDeviceId(member.deviceId())
              .setCiphertext(
                  ByteString.copyFrom(
                      EpochKeySeals.seal(
                          key,
                          member.encryptionPublicKeyset().toByteArray(),
                          EpochKeySeals.deviceContext(vaultId, next, id)))));
    }
    Optional<ByteString> recovery = chain.recoveryEncryptionKeyset();
    if (recovery.isPresent()) {
      epoch.setSealedToRecovery(
          ByteString.copyFrom(
              EpochKeySeals.seal(
                  key,
                  recovery.get().toByteArray(),
                  EpochKeySeals.recoveryContext(vaultId, next))));
    }
    return DeviceLinks.startsEpoch(chain, deviceId, signer, epoch.build(), clock.millis());
  }

  /**
   * The previous epoch's key, wrapped under this one, must be the one this device holds: an epoch
   * whose history does not match what this device already reads is refused.
   */
  private void checkPrevious(EpochStarted epoch, RootKey key) throws GeneralSecurityException {
    Optional<RootKey> previous = keys.of(epoch.getEpoch() - 1);
    if (previous.isEmpty()) {
      return;
    }
    RootKey unwrapped;
    try {
      unwrapped =
          EpochKeySeals.unwrapPrevious(
              key, epoch.getPreviousKey().toByteArray(), vaultId, epoch.getEpoch());
    } catch (GeneralSecurityException e) {
      throw previousMismatch(epoch);
    }
    if (!unwrapped.secret().equalsSecretBytes(previous.get().secret())) {
      throw previousMismatch(epoch);
    }
  }

  private static VaultException previousMismatch(EpochStarted epoch) {
    return new VaultException.Corrupt(
        "key epoch "
            + epoch.getEpoch()
            + " in the vault's device list does not continue the epoch this device holds;"
            + " refusing to sync");
  }
}
