package dev.memvault.core.sync;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.Hpke;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.vault.JoiningDevice;
import dev.memvault.proto.sync.v1.EpochKey;
import dev.memvault.proto.sync.v1.KeyPackage;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Key packages for device linking, sealed with HPKE (Tink; X25519, HKDF-SHA256, AES-256-GCM): the
 * new device makes its encryption key pair ({@link Recipient}), and the existing device seals the
 * vault's root key with every epoch key it holds, and what else a new device needs, to that public
 * key, under a context that binds the package to one pairing. The root key exists in plaintext only
 * inside vault-core: it is sealed here and opened here into a {@link JoiningDevice}.
 */
public final class KeyPackages {
  private KeyPackages() {}

  /** What the existing device seals for the new one, besides the root key it holds. */
  /**
   * @param logHead the log position the existing device verified last ({@code seq} 0 with the
   *     genesis hash when it never synced), which the new device's first pull must pass through
   */
  public record Contents(
      byte[] vaultId,
      byte[] rootKeyByRecovery,
      ChainHead chainHead,
      String serverId,
      ChainHead logHead) {}

  /**
   * Seals {@code root} and {@code contents} to {@code recipientPublicKeyset} under {@code context}.
   * Package-private callers in vault-core hold the root key; nothing else does.
   *
   * @throws GeneralSecurityException if the public keyset is not an HPKE public keyset
   */
  public static byte[] seal(
      Map<Integer, RootKey> epochKeys,
      Contents contents,
      byte[] recipientPublicKeyset,
      byte[] context)
      throws GeneralSecurityException {
    byte[] rootBytes = epochKeys.get(0).secret().toByteArray(InsecureSecretKeyAccess.get());
    KeyPackage.Builder keys = KeyPackage.newBuilder();
    for (Map.Entry<Integer, RootKey> epoch : epochKeys.entrySet()) {
      if (epoch.getKey() > 0) {
        keys.addEpochKeys(
            EpochKey.newBuilder()
                .setEpoch(epoch.getKey())
                .setKey(
                    ByteString.copyFrom(
                        epoch.getValue().secret().toByteArray(InsecureSecretKeyAccess.get()))));
      }
    }
    byte[] plaintext =
        keys.setVaultId(ByteString.copyFrom(contents.vaultId()))
            .setRootKey(ByteString.copyFrom(rootBytes))
            .setRootKeyByRecovery(ByteString.copyFrom(contents.rootKeyByRecovery()))
            .setChainSeq(contents.chainHead().seq())
            .setChainHash(ByteString.copyFrom(contents.chainHead().hash()))
            .setServerId(contents.serverId())
            .setLogSeq(contents.logHead().seq())
            .setLogHash(ByteString.copyFrom(contents.logHead().hash()))
            .build()
            .toByteArray();
    try {
      return Hpke.seal(recipientPublicKeyset, plaintext, context);
    } finally {
      Arrays.fill(rootBytes, (byte) 0);
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * A new device's HPKE key pair: the key package is sealed to it, and it stays the device's
   * encryption key, which the device chain names and epoch keys are sealed to. Never prints itself.
   */
  public static final class Recipient {
    private final DeviceEncryptionKey key;

    private Recipient(DeviceEncryptionKey key) {
      this.key = key;
    }

    public static Recipient generate() {
      return new Recipient(DeviceEncryptionKey.generate());
    }

    /** The Tink-serialized public keyset, to send to the existing device. */
    public byte[] publicKeyset() {
      return key.publicKeyset();
    }

    /**
     * Opens a key package sealed to this recipient under {@code context}, into what this new device
     * (id {@code deviceId}, key {@code signingKey}) starts from.
     *
     * @throws GeneralSecurityException if it was not sealed to this recipient under this context,
     *     or is not a key package
     * @throws VaultException.Corrupt if it decrypts but is incomplete
     */
    public Opened open(
        byte[] ciphertext, byte[] context, byte[] deviceId, DeviceSigningKey signingKey)
        throws GeneralSecurityException {
      byte[] plaintext = key.open(ciphertext, context);
      KeyPackage keys;
      try {
        keys = KeyPackage.parseFrom(plaintext);
      } catch (InvalidProtocolBufferException e) {
        throw new GeneralSecurityException("decryption failed");
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
      byte[] root = keys.getRootKey().toByteArray();
      try {
        if (keys.getVaultId().size() != 16
            || root.length != RootKey.BYTES
            || keys.getChainHash().size() != 32
            || keys.getLogHash().size() != 32) {
          throw incomplete();
        }
        Map<Integer, RootKey> epochKeys = new TreeMap<>();
        epochKeys.put(0, RootKey.of(SecretBytes.copyFrom(root, InsecureSecretKeyAccess.get())));
        for (EpochKey epoch : keys.getEpochKeysList()) {
          if (epoch.getEpoch() <= 0 || epoch.getKey().size() != RootKey.BYTES) {
            throw incomplete();
          }
          epochKeys.put(
              epoch.getEpoch(),
              RootKey.of(
                  SecretBytes.copyFrom(
                      epoch.getKey().toByteArray(), InsecureSecretKeyAccess.get())));
        }
        JoiningDevice device =
            JoiningDevice.of(
                keys.getVaultId().toByteArray(),
                deviceId,
                epochKeys,
                keys.getRootKeyByRecovery().toByteArray(),
                signingKey,
                key,
                new ChainHead(keys.getChainSeq(), keys.getChainHash().toByteArray()),
                Optional.of(new ChainHead(keys.getLogSeq(), keys.getLogHash().toByteArray())));
        return new Opened(device, keys.getServerId());
      } finally {
        Arrays.fill(root, (byte) 0);
      }
    }

    @Override
    public String toString() {
      return "KeyPackages.Recipient[redacted]";
    }
  }

  /** An opened key package: the new device's start, and the server id the linker pinned. */
  public record Opened(JoiningDevice device, String serverId) {}

  private static VaultException incomplete() {
    return new VaultException.Corrupt("the other device sent an incomplete key package");
  }
}
