package dev.memvault.core.vault;

import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.EpochKeySeals;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.internal.crypto.KeyWrap;
import dev.memvault.core.internal.crypto.RecoveryKey;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.core.internal.store.DatabaseRekey;
import dev.memvault.core.internal.store.EpochKeyRows;
import dev.memvault.core.internal.store.MetaRows;
import dev.memvault.core.internal.store.Migrations;
import dev.memvault.core.internal.store.ScopeRows;
import dev.memvault.core.internal.store.SqlCipherDatabase;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.sync.RecoverySigningKey;
import dev.memvault.proto.sync.v1.RecoveryReplaced;
import dev.memvault.proto.v1.VaultHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code rekey} of a closed vault: a new local root key, a new database key and a new recovery key,
 * so that an old {@code vault.header} or backup with the old passphrase (or a leaked recovery key)
 * opens nothing written afterwards, not even the words of the search index.
 *
 * <p>The database is re-encrypted as a copy ({@link DatabaseRekey}) and the keys inside it are
 * wrapped again under the new root key; the new header is written beside the old one; then the copy
 * replaces the database and the new header the old. A process killed at any point leaves a vault
 * that opens: before the copy replaced the database, the old vault is whole and the leftovers are
 * discarded at the next open; after, the new header is put in place at the next open ({@link
 * #finishInterrupted}). The sync side (a new key epoch, the new recovery key in the device chain,
 * this device's new encryption key) goes out with the next sync.
 */
final class VaultRekey {
  static final String NEXT_DATABASE = Vault.DATABASE_FILE + ".rekey";
  static final String NEXT_HEADER = VaultHeaderFile.FILE_NAME + ".rekey";

  /** The previous encryption key of this device, kept to open epochs sealed to it meanwhile. */
  static final String META_PREVIOUS_ENCRYPTION_KEY = "device_encryption_key_previous";

  /** The recovery key replacement this device has yet to publish in the device chain. */
  static final String META_PENDING_RECOVERY = "pending_recovery_replacement";

  /** The public key of the recovery key the header's recovery wrap is for. */
  static final String META_HEADER_RECOVERY_KEY = "header_recovery_public_key";

  /** The vault's original root key wrapped by the current recovery key (section 7.3). */
  static final String META_ORIGINAL_ROOT_BY_RECOVERY = "original_root_by_recovery";

  /** Where a rekey stands; a test hook may stop it after each, as a kill would. */
  enum Step {
    DATABASE_COPIED,
    HEADER_WRITTEN,
    DATABASE_REPLACED
  }

  @FunctionalInterface
  interface Hook {
    Hook NONE = step -> {};

    void after(Step step);
  }

  private VaultRekey() {}

  /** Rekeys the vault in {@code directory}; returns the new recovery key's text. */
  static String run(
      Path directory, char[] passphrase, SecureRandom random, RekeyProgress progress, Hook hook) {
    finishInterrupted(directory);
    VaultHeader header = VaultKeys.readHeader(directory);
    RootKey oldRoot = VaultKeys.unwrapRootByPassphrase(directory, header, passphrase);
    byte[] vaultId = header.getVaultId().toByteArray();
    byte[] deviceId = header.getDeviceId().toByteArray();
    Path database = directory.resolve(Vault.DATABASE_FILE);
    Path next = directory.resolve(NEXT_DATABASE);
    SecretBytes oldDatabaseKey;
    try {
      if (!HeaderIntegrity.verify(header, oldRoot)) {
        throw new GeneralSecurityException("integrity tag");
      }
      oldDatabaseKey =
          KeyWrap.unwrap(
              oldRoot.secret(),
              header.getDatabaseKey().toByteArray(),
              VaultKeys.databaseKeyAd(vaultId, deviceId));
    } catch (GeneralSecurityException e) {
      throw new VaultException.Corrupt(
          "the vault header at " + directory + " has been altered; restore it from a backup");
    }
    RootKey newRoot = RootKey.generate();
    SecretBytes newDatabaseKey = SecretBytes.randomBytes(SqlCipherDatabase.KEY_BYTES);
    RecoveryKey recovery = RecoveryKey.generate();
    try {
      try (Connection live = SqlCipherDatabase.open(database, oldDatabaseKey)) {
        DatabaseRekey.checkpoint(live);
      }
      progress.step("re-encrypting the database under a new key");
      try (Connection copy =
          DatabaseRekey.copyUnderNewKey(database, oldDatabaseKey, next, newDatabaseKey)) {
        Migrations.migrate(copy);
        copy.setAutoCommit(false);
        rewrapKeys(copy, oldRoot, newRoot, recovery, vaultId, deviceId);
        copy.commit();
        copy.setAutoCommit(true);
        DatabaseRekey.checkpoint(copy);
      }
      DatabaseRekey.sync(next);
      hook.after(Step.DATABASE_COPIED);
      progress.step("writing the new vault header");
      KdfParameters kdf = KdfParameters.defaults(random);
      VaultHeader rekeyed =
          HeaderIntegrity.seal(
              header.toBuilder()
                  .setKdf(kdf.toProto())
                  .setRootKeyByPassphrase(
                      VaultKeys.wrapRootByPassphrase(newRoot, passphrase, kdf, vaultId))
                  .setRootKeyByRecovery(VaultKeys.wrapRootByRecovery(newRoot, recovery, vaultId))
                  .setDatabaseKey(
                      ByteString.copyFrom(
                          KeyWrap.wrap(
                              newRoot.secret(),
                              newDatabaseKey,
                              VaultKeys.databaseKeyAd(vaultId, deviceId))))
                  .build(),
              newRoot);
      VaultHeaderFile.write(directory, NEXT_HEADER, rekeyed);
      hook.after(Step.HEADER_WRITTEN);
      Files.move(
          next, database, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      VaultHeaderFile.syncDirectory(directory);
      hook.after(Step.DATABASE_REPLACED);
      Files.move(
          directory.resolve(NEXT_HEADER),
          VaultHeaderFile.path(directory),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      VaultHeaderFile.syncDirectory(directory);
    } catch (SQLException e) {
      throw new VaultException(
          "the database could not be re-encrypted ("
              + e.getMessage()
              + "); the vault is unchanged: run rekey again",
          e);
    } catch (IOException e) {
      throw new VaultException(
          "rekey could not write in " + directory + " (" + e.getMessage() + "); run it again", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key wrapping failed", e);
    }
    return recovery.toDisplayString();
  }

  /**
   * Every key the database keeps wrapped under the local root key, wrapped again under the new one;
   * a new encryption key for this device (an old backup holds the old one), the old one kept to
   * open epochs sealed to it until the new one is in the device chain; and what the next sync
   * publishes: the new recovery key and the original root key wrapped by it.
   */
  private static void rewrapKeys(
      Connection copy,
      RootKey oldRoot,
      RootKey newRoot,
      RecoveryKey recovery,
      byte[] vaultId,
      byte[] deviceId)
      throws SQLException, GeneralSecurityException {
    EpochKeyRows epochRows = new EpochKeyRows(copy);
    Map<Integer, RootKey> epochs = new TreeMap<>();
    for (Map.Entry<Integer, byte[]> row : epochRows.all().entrySet()) {
      epochs.put(
          row.getKey(),
          EpochKeySeals.unwrapLocal(oldRoot, row.getValue(), vaultId, deviceId, row.getKey()));
    }
    epochs.putIfAbsent(0, oldRoot);
    epochRows.deleteAll();
    for (Map.Entry<Integer, RootKey> epoch : epochs.entrySet()) {
      epochRows.insert(
          epoch.getKey(),
          EpochKeySeals.wrapLocal(newRoot, epoch.getValue(), vaultId, deviceId, epoch.getKey()));
    }
    SyncRows syncRows = new SyncRows(copy);
    Optional<byte[]> signing = syncRows.deviceKey(deviceId);
    if (signing.isPresent()) {
      syncRows.putDeviceKey(
          deviceId,
          DeviceSigningKey.decrypt(signing.get(), oldRoot, vaultId, deviceId)
              .encrypt(newRoot, vaultId, deviceId));
    }
    MetaRows meta = new MetaRows(copy);
    byte[] encryption = meta.get(DeviceIdentity.META_ENCRYPTION_KEY);
    if (encryption != null) {
      meta.put(
          META_PREVIOUS_ENCRYPTION_KEY,
          DeviceEncryptionKey.decrypt(encryption, oldRoot, vaultId, deviceId)
              .encrypt(newRoot, vaultId, deviceId));
    }
    meta.put(
        DeviceIdentity.META_ENCRYPTION_KEY,
        DeviceEncryptionKey.generate().encrypt(newRoot, vaultId, deviceId));
    ScopeRows scopes = new ScopeRows(copy);
    for (ScopeRows.StoredScope scope : scopes.all()) {
      scopes.updateKeyset(
          scope.scopeId(),
          ScopeKeyset.decrypt(scope.encryptedKeyset(), oldRoot, vaultId, scope.scopeId())
              .encrypt(newRoot, vaultId, scope.scopeId()));
    }
    ByteString originalByRecovery = VaultKeys.wrapRootByRecovery(epochs.get(0), recovery, vaultId);
    meta.put(META_ORIGINAL_ROOT_BY_RECOVERY, originalByRecovery.toByteArray());
    RecoverySigningKey recoveryKeys = RecoverySigningKey.derive(recovery);
    meta.put(META_HEADER_RECOVERY_KEY, recoveryKeys.publicKey());
    meta.put(
        META_PENDING_RECOVERY,
        RecoveryReplaced.newBuilder()
            .setRecoveryPublicKey(ByteString.copyFrom(recoveryKeys.publicKey()))
            .setRecoveryEncryptionPublicKeyset(
                ByteString.copyFrom(recoveryKeys.encryptionPublicKeyset(vaultId)))
            .setRootKeyByRecovery(originalByRecovery)
            .build()
            .toByteArray());
  }

  /**
   * Completes or discards a rekey a killed process left behind, before the vault is opened; returns
   * what the person should know, if anything was left.
   */
  static Optional<String> finishInterrupted(Path directory) {
    Path nextDatabase = directory.resolve(NEXT_DATABASE);
    Path nextHeader = directory.resolve(NEXT_HEADER);
    try {
      if (Files.exists(nextDatabase)) {
        // The database was not replaced: the vault as it was is whole.
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
          Files.deleteIfExists(directory.resolve(NEXT_DATABASE + suffix));
        }
        Files.deleteIfExists(nextHeader);
        Files.deleteIfExists(directory.resolve(NEXT_HEADER + ".tmp"));
        return Optional.of(
            "a key change (rekey) was interrupted before it finished; the vault is as it was"
                + " before it: run `memvault rekey` again");
      }
      if (Files.exists(nextHeader)) {
        // The database is the new one: its header goes in place.
        Files.move(
            nextHeader,
            VaultHeaderFile.path(directory),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        VaultHeaderFile.syncDirectory(directory);
        return Optional.of(
            "a key change (rekey) was interrupted and is now complete, but its new recovery key"
                + " was never shown: run `memvault rekey` again for one you can write down");
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new VaultException(
          "cannot finish an interrupted key change in " + directory + ": " + e.getMessage(), e);
    }
  }
}
