package dev.memvault.core.sync;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.vault.JoiningDevice;
import dev.memvault.proto.sync.v1.KeyPackage;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Key packages for device linking, sealed with HPKE (Tink; X25519, HKDF-SHA256, AES-256-GCM): the
 * new device makes a key pair for this one linking ({@link Recipient}), and the existing device
 * seals the vault's root key and what else a new device needs to that public key, under a context
 * that binds the package to one pairing. The root key exists in plaintext only inside vault-core:
 * it is sealed here and opened here into a {@link JoiningDevice}.
 */
public final class KeyPackages {
  private static final HpkeParameters PARAMETERS;

  static {
    try {
      HybridConfig.register();
      PARAMETERS =
          HpkeParameters.builder()
              .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
              .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
              .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
              .setVariant(HpkeParameters.Variant.NO_PREFIX)
              .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private KeyPackages() {}

  /** What the existing device seals for the new one, besides the root key it holds. */
  public record Contents(
      byte[] vaultId, byte[] rootKeyByRecovery, ChainHead chainHead, String serverId) {}

  /**
   * Seals {@code root} and {@code contents} to {@code recipientPublicKeyset} under {@code context}.
   * Package-private callers in vault-core hold the root key; nothing else does.
   *
   * @throws GeneralSecurityException if the public keyset is not an HPKE public keyset
   */
  public static byte[] seal(
      RootKey root, Contents contents, byte[] recipientPublicKeyset, byte[] context)
      throws GeneralSecurityException {
    byte[] rootBytes = root.secret().toByteArray(InsecureSecretKeyAccess.get());
    byte[] plaintext =
        KeyPackage.newBuilder()
            .setVaultId(ByteString.copyFrom(contents.vaultId()))
            .setRootKey(ByteString.copyFrom(rootBytes))
            .setRootKeyByRecovery(ByteString.copyFrom(contents.rootKeyByRecovery()))
            .setChainSeq(contents.chainHead().seq())
            .setChainHash(ByteString.copyFrom(contents.chainHead().hash()))
            .setServerId(contents.serverId())
            .build()
            .toByteArray();
    try {
      HybridEncrypt encrypt =
          TinkProtoKeysetFormat.parseKeysetWithoutSecret(
                  recipientPublicKeyset, RegistryConfiguration.get())
              .getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
      return encrypt.encrypt(plaintext, context);
    } finally {
      Arrays.fill(rootBytes, (byte) 0);
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** A new device's HPKE key pair for one linking, kept in memory only; never prints itself. */
  public static final class Recipient {
    private final KeysetHandle keyset;

    private Recipient(KeysetHandle keyset) {
      this.keyset = keyset;
    }

    public static Recipient generate() {
      try {
        return new Recipient(KeysetHandle.generateNew(PARAMETERS));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HPKE unavailable", e);
      }
    }

    /** The Tink-serialized public keyset, to send to the existing device. */
    public byte[] publicKeyset() {
      try {
        return TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
            keyset.getPublicKeysetHandle(), RegistryConfiguration.get());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot serialize an HPKE public keyset", e);
      }
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
      HybridDecrypt decrypt = keyset.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
      byte[] plaintext = decrypt.decrypt(ciphertext, context);
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
            || keys.getChainHash().size() != 32) {
          throw incomplete();
        }
        JoiningDevice device =
            JoiningDevice.of(
                keys.getVaultId().toByteArray(),
                deviceId,
                RootKey.of(SecretBytes.copyFrom(root, InsecureSecretKeyAccess.get())),
                keys.getRootKeyByRecovery().toByteArray(),
                signingKey,
                new ChainHead(keys.getChainSeq(), keys.getChainHash().toByteArray()));
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
