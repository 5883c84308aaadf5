package dev.memvault.core.vault;

import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.backup.VaultBackup;
import dev.memvault.core.internal.crypto.KeyWrap;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.SqlCipherDatabase;
import dev.memvault.proto.v1.VaultHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.SQLException;

/** Rebuilding a vault from a backup file, for {@link Vault#restore}. */
final class VaultRestore {
  private VaultRestore() {}

  static VaultHeader readBackupHeader(Path backupFile) {
    try {
      VaultHeader header = VaultBackup.readHeader(backupFile);
      if (header.getFormatVersion() != Vault.FORMAT_VERSION
          || header.getVaultId().size() != 16
          || header.getDeviceId().size() != 16) {
        throw new VaultException.Corrupt(
            backupFile + " is not a memvault backup this version can read");
      }
      return header;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new VaultException.NotFound("no backup file " + backupFile);
    } catch (IOException e) {
      throw new VaultException.Corrupt(
          backupFile + " is not a memvault backup or is damaged (" + e.getMessage() + ")");
    }
  }

  /**
   * Rebuilds the backed-up vault in {@code directory} as a new device: it gets a fresh device id
   * and database key, so a restored copy never writes under the id of the device it came from.
   * Returns the header written.
   */
  static VaultHeader restoreInto(
      Path backupFile, VaultHeader backedUp, RootKey root, Path directory) {
    if (Files.exists(VaultHeaderFile.path(directory))
        || Files.exists(directory.resolve(Vault.DATABASE_FILE))) {
      throw new VaultException.AlreadyExists(
          "a vault already exists at " + directory + "; restore into an empty directory");
    }
    if (!HeaderIntegrity.verify(backedUp, root)) {
      throw new VaultException.Corrupt(
          backupFile + " has been altered: its header does not verify");
    }
    byte[] vaultId = backedUp.getVaultId().toByteArray();
    byte[] deviceId = VaultKeys.randomBytes(new SecureRandom(), 16);
    SecretBytes databaseKey = SecretBytes.randomBytes(SqlCipherDatabase.KEY_BYTES);
    VaultHeader header;
    try {
      header =
          HeaderIntegrity.seal(
              backedUp.toBuilder()
                  .setDeviceId(ByteString.copyFrom(deviceId))
                  .setDatabaseKey(
                      ByteString.copyFrom(
                          KeyWrap.wrap(
                              root.secret(),
                              databaseKey,
                              VaultKeys.databaseKeyAd(vaultId, deviceId))))
                  .build(),
              root);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key wrapping failed", e);
    }
    boolean createdDirectory = !Files.exists(directory);
    try {
      VaultFiles.createDirectory(directory);
      VaultBackup.restore(backupFile, root, directory.resolve(Vault.DATABASE_FILE), databaseKey);
      VaultFiles.ownerOnly(directory.resolve(Vault.DATABASE_FILE));
    } catch (GeneralSecurityException e) {
      removeIfCreated(directory, createdDirectory);
      throw new VaultException.Corrupt(
          backupFile + " has been altered or truncated; nothing was restored");
    } catch (IOException | SQLException e) {
      removeIfCreated(directory, createdDirectory);
      throw new VaultException(
          "cannot restore into " + directory + " (" + e.getMessage() + "); nothing was restored",
          e);
    }
    VaultHeaderFile.write(directory, header);
    return header;
  }

  /** Leaves no empty directory behind a failed restore that made it. */
  static void removeIfCreated(Path directory, boolean created) {
    if (!created) {
      return;
    }
    try {
      Files.deleteIfExists(directory);
    } catch (IOException ignored) {
      // Not empty or not removable: it stays, holding nothing of the backup.
    }
  }
}
