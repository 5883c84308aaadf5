package dev.memvault.core.vault;

import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.EpochKeySeals;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.internal.crypto.KeyWrap;
import dev.memvault.core.internal.crypto.RecoveryKey;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.EpochKeyRows;
import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.store.Migrations;
import dev.memvault.core.internal.store.SqlCipherDatabase;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.RecoverySigningKey;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.v1.VaultHeader;
import dev.memvault.protocol.DeviceChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Creating a vault's files, and unlocking them: the passphrase (Argon2id) or the recovery key
 * unwraps the root key, which unwraps the database key; the header's integrity tag and the
 * database's vault id are checked before anything is read. A vault's database is complete before
 * its header appears, so a crash in between leaves no half vault.
 */
final class Unlock {
  static final String META_VAULT_ID = "vault_id";

  private Unlock() {}

  /** A new vault, its device chain started by this device and the recovery key together. */
  static CreatedVault create(Path directory, char[] passphrase, Clock clock, SecureRandom random) {
    VaultKeys.requirePassphrase(passphrase);
    byte[] vaultId = VaultKeys.randomBytes(random, 16);
    byte[] deviceId = VaultKeys.randomBytes(random, 16);
    RootKey root = RootKey.generate();
    RecoveryKey recovery = RecoveryKey.generate();
    DeviceSigningKey signingKey = DeviceSigningKey.generate();
    DeviceEncryptionKey encryptionKey = DeviceEncryptionKey.generate();
    SignedDeviceLink genesis =
        DeviceLinks.genesis(
            vaultId,
            deviceId,
            signingKey,
            encryptionKey.publicKeyset(),
            Optional.of(RecoverySigningKey.derive(recovery)),
            clock.millis());
    ByteString rootByRecovery;
    try {
      rootByRecovery = VaultKeys.wrapRootByRecovery(root, recovery, vaultId);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key wrapping failed", e);
    }
    Vault vault =
        createDevice(
            directory,
            passphrase,
            clock,
            random,
            JoiningDevice.of(
                vaultId,
                deviceId,
                Map.of(0, root),
                rootByRecovery.toByteArray(),
                signingKey,
                encryptionKey,
                new ChainHead(1, DeviceChain.linkHash(genesis)),
                Optional.empty()),
            Optional.of(genesis));
    return new CreatedVault(vault, recovery.toDisplayString());
  }

  static Vault createDevice(
      Path directory,
      char[] passphrase,
      Clock clock,
      SecureRandom random,
      JoiningDevice device,
      Optional<SignedDeviceLink> genesis) {
    Path headerFile = VaultHeaderFile.path(directory);
    Path database = directory.resolve(Vault.DATABASE_FILE);
    if (Files.exists(headerFile)) {
      throw new VaultException.AlreadyExists(
          "a vault already exists at " + directory + "; nothing was changed");
    }
    if (Files.exists(database)) {
      throw new VaultException.AlreadyExists(
          database + " exists without a vault header; move it away to create a new vault there");
    }
    try {
      VaultFiles.createDirectory(directory);
      VaultFiles.createDatabase(database);
    } catch (IOException e) {
      throw new VaultException("cannot create " + directory + ": " + e.getMessage(), e);
    }

    byte[] vaultId = device.vaultId();
    byte[] deviceId = device.deviceId();
    RootKey root = device.root();
    SecretBytes databaseKey = SecretBytes.randomBytes(SqlCipherDatabase.KEY_BYTES);
    KdfParameters kdf = KdfParameters.defaults(random);
    VaultHeader header;
    byte[] encryptedSigningKey;
    byte[] encryptedEncryptionKey;
    Map<Integer, byte[]> wrappedEpochKeys = new TreeMap<>();
    try {
      header =
          VaultHeader.newBuilder()
              .setFormatVersion(Vault.FORMAT_VERSION)
              .setVaultId(ByteString.copyFrom(vaultId))
              .setDeviceId(ByteString.copyFrom(deviceId))
              .setKdf(kdf.toProto())
              .setRootKeyByPassphrase(
                  VaultKeys.wrapRootByPassphrase(root, passphrase, kdf, vaultId))
              .setRootKeyByRecovery(ByteString.copyFrom(device.rootKeyByRecovery()))
              .setDatabaseKey(
                  ByteString.copyFrom(
                      KeyWrap.wrap(
                          root.secret(), databaseKey, VaultKeys.databaseKeyAd(vaultId, deviceId))))
              .setCreatedAt(clock.instant().getEpochSecond())
              .build();
      header = HeaderIntegrity.seal(header, root);
      encryptedSigningKey = device.signingKey().encrypt(root, vaultId, deviceId);
      encryptedEncryptionKey = device.encryptionKey().encrypt(root, vaultId, deviceId);
      for (Map.Entry<Integer, RootKey> epoch : device.epochKeys().entrySet()) {
        wrappedEpochKeys.put(
            epoch.getKey(),
            EpochKeySeals.wrapLocal(root, epoch.getValue(), vaultId, deviceId, epoch.getKey()));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key wrapping failed", e);
    }

    // The database is complete before the header appears: a vault without a header is not a
    // vault, and create() can be run again after a crash here once vault.db is moved away.
    try (Connection connection = SqlCipherDatabase.open(database, databaseKey)) {
      Migrations.migrate(connection);
      MetaRows meta = new MetaRows(connection);
      meta.put(META_VAULT_ID, vaultId);
      new SyncRows(connection).putDeviceKey(deviceId, encryptedSigningKey);
      meta.put(DeviceIdentity.META_ENCRYPTION_KEY, encryptedEncryptionKey);
      EpochKeyRows epochKeyRows = new EpochKeyRows(connection);
      for (Map.Entry<Integer, byte[]> epoch : wrappedEpochKeys.entrySet()) {
        epochKeyRows.insert(epoch.getKey(), epoch.getValue());
      }
      meta.put(DeviceIdentity.META_CHAIN_HEAD, device.chainHead().encode(deviceId));
      if (device.logAnchor().isPresent()) {
        meta.put(DeviceIdentity.META_LOG_ANCHOR, device.logAnchor().get().encode(deviceId));
      }
      if (genesis.isPresent()) {
        meta.put(DeviceIdentity.META_GENESIS, genesis.get().toByteArray());
      }
    } catch (SQLException e) {
      throw new VaultException("cannot create the vault database: " + e.getMessage(), e);
    }
    VaultHeaderFile.write(directory, header);
    return withRoot(directory, header, root, clock, random, Vault.RebuildProgress.NONE);
  }

  static Vault withPassphrase(
      Path directory,
      char[] passphrase,
      Clock clock,
      SecureRandom random,
      Vault.RebuildProgress progress) {
    Optional<String> notice = VaultRekey.finishInterrupted(directory);
    VaultHeader header = VaultKeys.readHeader(directory);
    RootKey root = VaultKeys.unwrapRootByPassphrase(directory, header, passphrase);
    Vault vault = withRoot(directory, header, root, clock, random, progress);
    vault.setOpenNotice(notice);
    return vault;
  }

  /**
   * Opens with the root key a session agent held; refuses a key that does not seal the header (the
   * vault was rekeyed or replaced since the session began), so the caller asks for the passphrase
   * instead, and a tampered header is then reported by the passphrase's open.
   */
  static Vault withSessionKey(
      Path directory,
      SessionKey key,
      Clock clock,
      SecureRandom random,
      Vault.RebuildProgress progress) {
    Optional<String> notice = VaultRekey.finishInterrupted(directory);
    VaultHeader header = VaultKeys.readHeader(directory);
    RootKey root = key.rootKey();
    if (!HeaderIntegrity.verify(header, root)) {
      throw new VaultException.WrongKey(
          "the unlocked session does not open the vault at "
              + directory
              + " any more (rekeyed or replaced since)");
    }
    Vault vault = withRoot(directory, header, root, clock, random, progress);
    vault.setOpenNotice(notice);
    return vault;
  }

  static Vault withRecovery(
      Path directory, String recoveryKeyText, Clock clock, SecureRandom random) {
    VaultRekey.finishInterrupted(directory);
    VaultHeader header = VaultKeys.readHeader(directory);
    RootKey root = VaultKeys.unwrapRootByRecovery(directory, header, recoveryKeyText);
    return withRoot(directory, header, root, clock, random, Vault.RebuildProgress.NONE);
  }

  /** Restores a backup into {@code directory} with its passphrase, and opens it. */
  static Vault restore(
      Path backupFile, Path directory, char[] passphrase, Vault.RebuildProgress progress) {
    VaultHeader header = VaultRestore.readBackupHeader(backupFile);
    RootKey root = VaultKeys.unwrapRootByPassphrase(backupFile, header, passphrase);
    VaultHeader restored = VaultRestore.restoreInto(backupFile, header, root, directory);
    return withRoot(directory, restored, root, Clock.systemUTC(), new SecureRandom(), progress);
  }

  /** Restores a backup into {@code directory} with the recovery key, and opens it. */
  static Vault restoreWithRecovery(
      Path backupFile, Path directory, String recoveryKeyText, Vault.RebuildProgress progress) {
    VaultHeader header = VaultRestore.readBackupHeader(backupFile);
    RootKey root = VaultKeys.unwrapRootByRecovery(backupFile, header, recoveryKeyText);
    VaultHeader restored = VaultRestore.restoreInto(backupFile, header, root, directory);
    return withRoot(directory, restored, root, Clock.systemUTC(), new SecureRandom(), progress);
  }

  /**
   * The header re-sealed with the root key wrapped under a new passphrase and a fresh salt. No
   * memory is re-encrypted.
   */
  static VaultHeader withNewPassphrase(
      VaultHeader current,
      RootKey root,
      byte[] vaultId,
      char[] newPassphrase,
      SecureRandom random) {
    VaultKeys.requirePassphrase(newPassphrase);
    KdfParameters kdf = KdfParameters.defaults(random);
    try {
      return HeaderIntegrity.seal(
          current.toBuilder()
              .setKdf(kdf.toProto())
              .setRootKeyByPassphrase(
                  VaultKeys.wrapRootByPassphrase(root, newPassphrase, kdf, vaultId))
              .build(),
          root);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key wrapping failed", e);
    }
  }

  private static Vault withRoot(
      Path directory,
      VaultHeader header,
      RootKey root,
      Clock clock,
      SecureRandom random,
      Vault.RebuildProgress progress) {
    byte[] vaultId = header.getVaultId().toByteArray();
    byte[] deviceId = header.getDeviceId().toByteArray();
    SecretBytes databaseKey;
    try {
      databaseKey =
          KeyWrap.unwrap(
              root.secret(),
              header.getDatabaseKey().toByteArray(),
              VaultKeys.databaseKeyAd(vaultId, deviceId));
    } catch (GeneralSecurityException e) {
      throw headerAltered(directory);
    }
    if (!HeaderIntegrity.verify(header, root)) {
      throw headerAltered(directory);
    }
    Path database = directory.resolve(Vault.DATABASE_FILE);
    if (!Files.isRegularFile(database)) {
      throw new VaultException.Corrupt(
          "the vault database " + database + " is missing; restore it from a backup");
    }
    Connection connection;
    try {
      connection = SqlCipherDatabase.open(database, databaseKey);
    } catch (SQLException e) {
      throw Failures.databaseDamaged(database);
    }
    try {
      // An existing vault's database always has a schema; an empty one is damage, and must not
      // be "repaired" into an empty vault by migrating it.
      if (Migrations.currentVersion(connection) == 0) {
        closeQuietly(connection);
        throw Failures.databaseDamaged(database);
      }
      Migrations.migrate(connection);
      byte[] storedVaultId = new MetaRows(connection).get(META_VAULT_ID);
      if (!Arrays.equals(storedVaultId, vaultId)) {
        throw new VaultException.Corrupt(
            "the vault database " + database + " does not belong to this vault header");
      }
      Vault vault = new Vault(directory, header, root, connection, clock, random);
      vault.rebuildSearchIndexIfStale(progress);
      return vault;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw Failures.databaseDamaged(database);
    } catch (GeneralSecurityException e) {
      closeQuietly(connection);
      throw new VaultException.Corrupt(
          "a scope key in " + database + " fails its integrity check; restore from a backup");
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static VaultException headerAltered(Path directory) {
    return new VaultException.Corrupt(
        "the vault header at " + directory + " has been altered; restore it from a backup");
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing a damaged or already closed database has nothing left to report.
    }
  }
}
