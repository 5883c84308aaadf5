package dev.memvault.core.testing;

import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.KeyWrap;
import dev.memvault.core.internal.crypto.RecordCipher;
import dev.memvault.core.internal.crypto.RecordIds;
import dev.memvault.core.internal.crypto.RecoveryKey;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.core.internal.store.SqlCipherDatabase;
import dev.memvault.core.vault.Uuid7;
import dev.memvault.core.vault.Vault;
import dev.memvault.core.vault.VaultHeaderFile;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.VaultHeader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Direct access to a closed vault's files, as someone holding its recovery key could get it: the
 * root key is unwrapped from the header exactly as {@code Vault.recover} does, the database key
 * from the root key, and the database is opened with {@link SqlCipherDatabase}. Tests use it to
 * look at (and tamper with) what is actually stored.
 *
 * <p>The associated-data encodings below repeat the ones in {@code Vault} (docs/FORMAT.md); if they
 * drift apart, every test that uses this class fails.
 */
public final class RawVault implements AutoCloseable {
  private final VaultHeader header;
  private final RootKey root;
  private final SecretBytes databaseKey;
  private final Connection connection;

  private RawVault(
      VaultHeader header, RootKey root, SecretBytes databaseKey, Connection connection) {
    this.header = header;
    this.root = root;
    this.databaseKey = databaseKey;
    this.connection = connection;
  }

  public static RawVault open(Path dir, String recoveryKeyText) throws Exception {
    VaultHeader header = VaultHeaderFile.read(dir);
    RootKey root = rootKey(header, recoveryKeyText);
    SecretBytes databaseKey = databaseKey(header, root);
    return new RawVault(
        header,
        root,
        databaseKey,
        SqlCipherDatabase.open(dir.resolve(Vault.DATABASE_FILE), databaseKey));
  }

  public static RootKey rootKey(VaultHeader header, String recoveryKeyText) throws Exception {
    byte[] vaultId = header.getVaultId().toByteArray();
    SecretBytes secret =
        KeyWrap.unwrap(
            RecoveryKey.parse(recoveryKeyText).wrappingKey(vaultId),
            header.getRootKeyByRecovery().toByteArray(),
            AssociatedData.labeled("memvault.v1.root-key.recovery").bytes(vaultId).encode());
    return RootKey.of(secret);
  }

  public static SecretBytes databaseKey(VaultHeader header, RootKey root) throws Exception {
    return KeyWrap.unwrap(
        root.secret(),
        header.getDatabaseKey().toByteArray(),
        AssociatedData.labeled("memvault.v1.database-key")
            .bytes(header.getVaultId().toByteArray())
            .bytes(header.getDeviceId().toByteArray())
            .encode());
  }

  public VaultHeader header() {
    return header;
  }

  public RootKey rootKey() {
    return root;
  }

  public SecretBytes databaseKey() {
    return databaseKey;
  }

  public byte[] vaultId() {
    return header.getVaultId().toByteArray();
  }

  public Connection connection() {
    return connection;
  }

  /** The current envelope of a memory, as stored in the memories table. */
  public byte[] envelope(String id) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT envelope FROM memories WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          throw new AssertionError("no row for memory " + id);
        }
        return rows.getBytes(1);
      }
    }
  }

  public void setEnvelope(String id, byte[] envelope) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE memories SET envelope = ? WHERE id = ?")) {
      update.setBytes(1, envelope);
      update.setString(2, id);
      if (update.executeUpdate() != 1) {
        throw new AssertionError("no row for memory " + id);
      }
    }
  }

  /** Revisions kept in memory_revisions for a memory, oldest first. */
  public List<Long> storedEarlierRevisions(String id) throws SQLException {
    List<Long> revisions = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT revision FROM memory_revisions WHERE id = ? ORDER BY revision")) {
      query.setString(1, id);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          revisions.add(rows.getLong(1));
        }
      }
    }
    return revisions;
  }

  public byte[] scopeId(String scopeName) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT scope_id FROM scopes WHERE name = ?")) {
      query.setString(1, scopeName);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          throw new AssertionError("no scope " + scopeName);
        }
        return rows.getBytes(1);
      }
    }
  }

  /** A scope's keyset, decrypted under the root key. */
  public ScopeKeyset keyset(String scopeName) throws Exception {
    byte[] scopeId = scopeId(scopeName);
    try (PreparedStatement query =
        connection.prepareStatement("SELECT keyset FROM scopes WHERE scope_id = ?")) {
      query.setBytes(1, scopeId);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return ScopeKeyset.decrypt(rows.getBytes(1), root, vaultId(), scopeId);
      }
    }
  }

  /** Opens the current envelope of a memory with its scope's keyset. */
  public Memory decryptCurrent(String id, String scopeName) throws Exception {
    RecordEnvelope envelope = RecordEnvelope.parseFrom(envelope(id));
    byte[] plain =
        RecordCipher.open(
            keyset(scopeName).aead(),
            envelope,
            vaultId(),
            recordId(envelope.getFormatVersion(), id),
            envelope.getRevision());
    return Memory.parseFrom(plain);
  }

  /** The record id memory {@code id} is filed under in envelopes of {@code formatVersion}. */
  public byte[] recordId(int formatVersion, String id) {
    UUID uuid = Uuid7.parse(id);
    return formatVersion == RecordCipher.UUID_RECORD_ID
        ? RecordIds.uuidBytes(uuid)
        : RecordIds.of(root, vaultId()).keyed(uuid);
  }

  /**
   * The 1-based numbers of the database pages that hold the named tables and indexes (from SQLite's
   * dbstat table); page n starts at byte (n - 1) * page size of the file.
   */
  public List<Long> pagesOf(List<String> names) throws SQLException {
    List<Long> pages = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement("SELECT name, pageno FROM dbstat ORDER BY pageno")) {
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          if (names.contains(rows.getString(1))) {
            pages.add(rows.getLong(2));
          }
        }
      }
    }
    return pages;
  }

  /** The Tink key id in the 5-byte prefix (0x01, then the id big-endian) of a ciphertext. */
  public static int tinkKeyId(byte[] envelopeBytes) throws Exception {
    byte[] ciphertext = RecordEnvelope.parseFrom(envelopeBytes).getCiphertext().toByteArray();
    if (ciphertext[0] != 0x01) {
      throw new AssertionError("not a Tink-prefixed ciphertext");
    }
    return ByteBuffer.wrap(ciphertext, 1, 4).getInt();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
