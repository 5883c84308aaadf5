package dev.memvault.core.vault;

import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.internal.crypto.KeyWrap;
import dev.memvault.core.internal.crypto.PassphraseKdf;
import dev.memvault.core.internal.crypto.RecoveryKey;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.proto.v1.VaultHeader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * The vault header's key wraps: the root key under the passphrase (Argon2id) and under the recovery
 * key, the database key under the root key, each with associated data that says which key it is and
 * for which vault (docs/FORMAT.md, section 7).
 */
final class VaultKeys {
  private VaultKeys() {}

  static VaultHeader readHeader(Path directory) {
    VaultHeader header = VaultHeaderFile.read(directory);
    if (header.getFormatVersion() != Vault.FORMAT_VERSION) {
      throw new VaultException(
          "the vault at "
              + directory
              + " has format version "
              + header.getFormatVersion()
              + ", which this memvault cannot read; upgrade memvault");
    }
    if (!header.getUnknownFields().asMap().isEmpty()
        || !header.getKdf().getUnknownFields().asMap().isEmpty()) {
      // The integrity tag covers the fields this version knows; one it does not know could ride
      // along unchecked, and be kept by the next rewrite of the header.
      throw new VaultException.Corrupt(
          VaultHeaderFile.path(directory)
              + " holds fields this memvault does not know: it was altered, or written by a newer"
              + " memvault; nothing was opened");
    }
    if (header.getVaultId().size() != 16 || header.getDeviceId().size() != 16) {
      throw new VaultException.Corrupt(
          "the vault header at " + directory + " is damaged; restore it from a backup");
    }
    return header;
  }

  static RootKey unwrapRootByPassphrase(Path directory, VaultHeader header, char[] passphrase) {
    KdfParameters kdf;
    try {
      kdf = KdfParameters.fromProto(header.getKdf());
    } catch (KdfParameters.WeakParametersException e) {
      throw new VaultException.Corrupt(
          "refusing to open "
              + directory
              + ": its header asks for "
              + e.getMessage()
              + "; the header may have been tampered with");
    }
    byte[] vaultId = header.getVaultId().toByteArray();
    SecretBytes kek = PassphraseKdf.derive(passphrase, kdf);
    try {
      return RootKey.of(
          KeyWrap.unwrap(
              kek, header.getRootKeyByPassphrase().toByteArray(), passphraseAd(vaultId, kdf)));
    } catch (GeneralSecurityException e) {
      throw new VaultException.WrongKey("wrong passphrase for the vault at " + directory);
    }
  }

  static RootKey unwrapRootByRecovery(Path where, VaultHeader header, String recoveryKeyText) {
    return unwrapRootByRecovery(
        "the vault at " + where,
        header.getVaultId().toByteArray(),
        header.getRootKeyByRecovery().toByteArray(),
        recoveryKeyText);
  }

  static RootKey unwrapRootByRecovery(
      String what, byte[] vaultId, byte[] rootKeyByRecovery, String recoveryKeyText) {
    RecoveryKey recovery = parseRecoveryKey(recoveryKeyText);
    try {
      return RootKey.of(
          KeyWrap.unwrap(recovery.wrappingKey(vaultId), rootKeyByRecovery, recoveryAd(vaultId)));
    } catch (GeneralSecurityException e) {
      throw new VaultException.WrongKey(
          "this recovery key does not open " + what + "; nothing was changed");
    }
  }

  static RecoveryKey parseRecoveryKey(String recoveryKeyText) {
    try {
      return RecoveryKey.parse(recoveryKeyText);
    } catch (RecoveryKey.InvalidRecoveryKeyException e) {
      throw new VaultException.WrongKey(e.getMessage());
    }
  }

  static ByteString wrapRootByPassphrase(
      RootKey root, char[] passphrase, KdfParameters kdf, byte[] vaultId)
      throws GeneralSecurityException {
    SecretBytes kek = PassphraseKdf.derive(passphrase, kdf);
    return ByteString.copyFrom(KeyWrap.wrap(kek, root.secret(), passphraseAd(vaultId, kdf)));
  }

  static ByteString wrapRootByRecovery(RootKey root, RecoveryKey recovery, byte[] vaultId)
      throws GeneralSecurityException {
    return ByteString.copyFrom(
        KeyWrap.wrap(recovery.wrappingKey(vaultId), root.secret(), recoveryAd(vaultId)));
  }

  /** Binds the KDF parameters too, so that editing them in the header breaks the unwrap. */
  static byte[] passphraseAd(byte[] vaultId, KdfParameters kdf) {
    return AssociatedData.labeled("memvault.v1.root-key.passphrase")
        .bytes(vaultId)
        .bytes(KdfParameters.ALGORITHM.getBytes(StandardCharsets.UTF_8))
        .uint32(kdf.memoryKib())
        .uint32(kdf.iterations())
        .uint32(kdf.parallelism())
        .bytes(kdf.salt())
        .encode();
  }

  static byte[] recoveryAd(byte[] vaultId) {
    return AssociatedData.labeled("memvault.v1.root-key.recovery").bytes(vaultId).encode();
  }

  static byte[] databaseKeyAd(byte[] vaultId, byte[] deviceId) {
    return AssociatedData.labeled("memvault.v1.database-key")
        .bytes(vaultId)
        .bytes(deviceId)
        .encode();
  }

  static void requirePassphrase(char[] passphrase) {
    if (passphrase == null || passphrase.length == 0) {
      throw new VaultException.InvalidInput("the passphrase is empty");
    }
  }

  static byte[] randomBytes(SecureRandom random, int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }
}
