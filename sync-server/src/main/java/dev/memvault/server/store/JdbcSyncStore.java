package dev.memvault.server.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.sync.v1.BatchProof;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.GrantAccess;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.CommittedPayloads;
import dev.memvault.protocol.LogChain;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What the embedded and the PostgreSQL store share: the tables (same names and columns in both),
 * the SQL both dialects accept, and the append algorithm. A subclass says how to get a connection
 * and a transaction, how to lock a vault's head for an append, and how to tell subscribers.
 */
abstract class JdbcSyncStore implements SyncStore {
  static final int ID_LENGTH = 16;

  /** Expired pairing slots stay this long after expiry, then go when a new slot opens. */
  static final long PAIRING_SLOTS_KEPT_MILLIS = 60 * 60 * 1000L;

  static final String ENTRY_COLUMNS =
      "seq, prev_hash, entry_hash, change_id, device_id, record_id, payload, signature,"
          + " accepted_at_ms, batch_proof, payload_hash, supersedes_through, payload_dropped_by";

  /** Work on a connection, inside a transaction or not as the caller of the work decides. */
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** A vault's row as an append finds it, locked against other appends to the vault. */
  record VaultHead(long seq, byte[] hash, long storedBytes) {}

  final StoreLimits limits;
  final Listeners listeners = new Listeners();

  /**
   * For a sole writer: at least the bytes all vaults hold, or -1 before the first sum. It grows by
   * each append's bytes as the append passes the cap check and is never lowered on a rollback (nor
   * by anything that removes bytes), so it only errs high, which costs an exact sum when it comes
   * near the cap, never a pass past it.
   */
  private final AtomicLong totalBytesAtMost = new AtomicLong(-1);

  /** What opening did to the schema; set once, right after the migration. */
  private SchemaMigration migration;

  void migrated(SchemaMigration value) {
    migration = value;
  }

  @Override
  public Optional<SchemaMigration> schemaMigration() {
    return Optional.ofNullable(migration);
  }

  JdbcSyncStore(StoreLimits limits) {
    this.limits = limits;
  }

  /**
   * Runs {@code work} in one transaction and commits it. Rolls back and rethrows a {@link
   * RuntimeException} thrown by the work; turns a database failure into {@link StoreException}.
   */
  abstract <T> T inTransaction(String what, SqlWork<T> work);

  /** Runs read-only {@code work} on a connection that sees every committed append. */
  abstract <T> T reading(String what, SqlWork<T> work);

  /**
   * Reads the vault's head and takes whatever lock makes this transaction the only one appending to
   * the vault until it ends; empty if the vault is unknown.
   */
  abstract Optional<VaultHead> lockHead(Connection connection, byte[] vaultId) throws SQLException;

  /** Stores the vault's new head, inside the append transaction. */
  abstract void updateHead(Connection connection, byte[] vaultId, Head head, long storedBytes)
      throws SQLException;

  /**
   * Whether this store's process is the only one writing its database, one write at a time (the
   * embedded store, which holds the directory's lock): then the total cap is checked against an
   * upper bound kept in memory, and summed over the vaults only near the cap. Otherwise every
   * append sums, inside its transaction.
   */
  boolean soleWriter() {
    return false;
  }

  /** Inside the append transaction, just before commit: the vault's log grew. */
  void beforeCommit(Connection connection, Appended appended) throws SQLException {}

  /** After the append transaction committed: the vault's log grew. */
  void afterCommit(Appended appended) {}

  // ------------------------------------------------------------------------------ vaults

  @Override
  public boolean registerVault(
      byte[] vaultId,
      Device firstDevice,
      Optional<SignedDeviceLink> genesis,
      Optional<RecoveryRecord> recovery) {
    checkId("vault id", vaultId);
    checkId("device id", firstDevice.getDeviceId().toByteArray());
    recovery.ifPresent(
        record -> {
          if (!Arrays.equals(record.vaultId(), vaultId)) {
            throw new IllegalArgumentException("the recovery record is of another vault");
          }
        });
    return unlessUnchanged(
        () ->
            inTransaction(
                "register a vault",
                connection -> {
                  try (PreparedStatement insert =
                      connection.prepareStatement(
                          "INSERT INTO vaults (vault_id, created_at_ms, head_seq, head_hash, stored_bytes)"
                              + " VALUES (?, ?, 0, ?, 0) ON CONFLICT (vault_id) DO NOTHING")) {
                    insert.setBytes(1, vaultId);
                    insert.setLong(2, firstDevice.getRegisteredAtMs());
                    insert.setBytes(3, LogChain.genesisHash());
                    if (insert.executeUpdate() == 0) {
                      return false;
                    }
                  }
                  // Counted after the insert, so that a vault that exists is VAULT_EXISTS even when
                  // full.
                  if (limits.maxVaults() != Long.MAX_VALUE
                      && countVaults(connection) > limits.maxVaults()) {
                    throw new CapReachedException(Cap.VAULTS);
                  }
                  if (recovery.isPresent() && !insertRecovery(connection, recovery.get())) {
                    throw new Unchanged();
                  }
                  if (genesis.isPresent()) {
                    insertLink(connection, vaultId, 1, genesis.get());
                  }
                  return insertDevice(connection, vaultId, firstDevice);
                }));
  }

  @Override
  public boolean startOver(
      byte[] vaultId,
      List<SignedDeviceLink> chain,
      List<LinkEffect> effects,
      Optional<RecoveryRecord> recovery,
      long atMillis) {
    checkId("vault id", vaultId);
    if (chain.isEmpty() || chain.size() != effects.size()) {
      throw new IllegalArgumentException("a chain of at least one link, one effect per link");
    }
    return unlessUnchanged(
        () ->
            inTransaction(
                "start a vault's log over",
                connection -> {
                  boolean existed = false;
                  for (String table :
                      List.of(
                          "log_entries",
                          "device_links",
                          "devices",
                          "recoveries",
                          "pairings",
                          "grant_reads",
                          "vaults")) {
                    try (PreparedStatement delete =
                        connection.prepareStatement(
                            "DELETE FROM " + table + " WHERE vault_id = ?")) {
                      delete.setBytes(1, vaultId);
                      int deleted = delete.executeUpdate();
                      existed |= table.equals("vaults") && deleted > 0;
                    }
                  }
                  try (PreparedStatement insert =
                      connection.prepareStatement(
                          "INSERT INTO vaults (vault_id, created_at_ms, head_seq, head_hash,"
                              + " stored_bytes) VALUES (?, ?, 0, ?, 0)")) {
                    insert.setBytes(1, vaultId);
                    insert.setLong(2, atMillis);
                    insert.setBytes(3, LogChain.genesisHash());
                    insert.executeUpdate();
                  }
                  if (!existed
                      && limits.maxVaults() != Long.MAX_VALUE
                      && countVaults(connection) > limits.maxVaults()) {
                    throw new CapReachedException(Cap.VAULTS);
                  }
                  boolean recoveryReplaced = false;
                  for (int i = 0; i < chain.size(); i++) {
                    insertLink(connection, vaultId, i + 1, chain.get(i));
                    applyLinkEffect(connection, vaultId, effects.get(i));
                    recoveryReplaced |= effects.get(i) instanceof ReplacesRecovery;
                  }
                  if (!recoveryReplaced
                      && recovery.isPresent()
                      && !insertRecovery(connection, recovery.get())) {
                    throw new Unchanged();
                  }
                  return true;
                }));
  }

  private static long countVaults(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM vaults");
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static long sumStoredBytes(Connection connection) throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement("SELECT COALESCE(SUM(stored_bytes), 0) FROM vaults");
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Thrown inside a transaction to roll it back and make the operation return false. */
  private static final class Unchanged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unchanged() {
      super(null, null, false, false);
    }
  }

  private static boolean unlessUnchanged(java.util.function.BooleanSupplier operation) {
    try {
      return operation.getAsBoolean();
    } catch (Unchanged e) {
      return false;
    }
  }

  private static boolean insertRecovery(Connection connection, RecoveryRecord record)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO recoveries (recovery_public_key, vault_id, root_key_by_recovery)"
                + " VALUES (?, ?, ?) ON CONFLICT (recovery_public_key) DO NOTHING")) {
      insert.setBytes(1, record.recoveryPublicKey());
      insert.setBytes(2, record.vaultId());
      insert.setBytes(3, record.rootKeyByRecovery());
      return insert.executeUpdate() == 1;
    }
  }

  private static void insertLink(
      Connection connection, byte[] vaultId, long seq, SignedDeviceLink link) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO device_links (vault_id, seq, link) VALUES (?, ?, ?)")) {
      insert.setBytes(1, vaultId);
      insert.setLong(2, seq);
      insert.setBytes(3, link.toByteArray());
      insert.executeUpdate();
    }
  }

  @Override
  public boolean addDevice(byte[] vaultId, Device device) {
    checkId("vault id", vaultId);
    checkId("device id", device.getDeviceId().toByteArray());
    return inTransaction("add a device", connection -> insertDevice(connection, vaultId, device));
  }

  private static boolean insertDevice(Connection connection, byte[] vaultId, Device device)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO devices"
                + " (vault_id, device_id, signing_public_keyset, registered_at_ms, revoked_at_ms)"
                + " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM vaults WHERE vault_id = ?)"
                + " ON CONFLICT (vault_id, device_id) DO NOTHING")) {
      insert.setBytes(1, vaultId);
      insert.setBytes(2, device.getDeviceId().toByteArray());
      insert.setBytes(3, device.getSigningPublicKeyset().toByteArray());
      insert.setLong(4, device.getRegisteredAtMs());
      insert.setLong(5, device.getRevokedAtMs());
      insert.setBytes(6, vaultId);
      return insert.executeUpdate() == 1;
    }
  }

  @Override
  public boolean revokeDevice(byte[] vaultId, byte[] deviceId, long atMillis) {
    if (atMillis <= 0) {
      throw new IllegalArgumentException("a revocation time must be positive: " + atMillis);
    }
    return inTransaction(
        "revoke a device", connection -> markRevoked(connection, vaultId, deviceId, atMillis));
  }

  private static boolean markRevoked(
      Connection connection, byte[] vaultId, byte[] deviceId, long atMillis) throws SQLException {
    // Revoking twice keeps the first time: entries signed before it stay legitimate.
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE devices SET revoked_at_ms ="
                + " CASE WHEN revoked_at_ms = 0 THEN ? ELSE revoked_at_ms END"
                + " WHERE vault_id = ? AND device_id = ?")) {
      update.setLong(1, atMillis);
      update.setBytes(2, vaultId);
      update.setBytes(3, deviceId);
      return update.executeUpdate() == 1;
    }
  }

  // ------------------------------------------------------------------------------ device chain

  @Override
  public boolean appendDeviceLink(
      byte[] vaultId, long seq, SignedDeviceLink link, LinkEffect effect) {
    checkId("vault id", vaultId);
    if (seq < 1) {
      throw new IllegalArgumentException("device links start at seq 1: " + seq);
    }
    return unlessUnchanged(
        () ->
            inTransaction(
                "append a device link",
                connection -> {
                  // The head lock also serializes chain appends: one vault, one writer at a time.
                  lockHead(connection, vaultId).orElseThrow(() -> unknownVault(vaultId));
                  if (chainLength(connection, vaultId) != seq - 1) {
                    return false;
                  }
                  insertLink(connection, vaultId, seq, link);
                  applyLinkEffect(connection, vaultId, effect);
                  return true;
                }));
  }

  /**
   * What a device link does to the sign-in table and the recovery record; a device added twice
   * undoes the whole transaction ({@link Unchanged}).
   */
  private static void applyLinkEffect(Connection connection, byte[] vaultId, LinkEffect effect)
      throws SQLException {
    if (effect instanceof Adds adds) {
      checkId("device id", adds.device().getDeviceId().toByteArray());
      if (!insertDevice(connection, vaultId, adds.device())) {
        throw new Unchanged();
      }
    } else if (effect instanceof Revokes revokes) {
      markRevoked(connection, vaultId, revokes.deviceId(), revokes.atMillis());
    } else if (effect instanceof ReplacesRecovery replaces) {
      replaceRecovery(connection, vaultId, replaces.recovery());
    }
  }

  /** The vault's recovery record is the new key's alone; a key taken by another vault is not. */
  private static void replaceRecovery(
      Connection connection, byte[] vaultId, RecoveryRecord recovery) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM recoveries WHERE vault_id = ?")) {
      delete.setBytes(1, vaultId);
      delete.executeUpdate();
    }
    insertRecovery(connection, recovery);
  }

  private static long chainLength(Connection connection, byte[] vaultId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT COALESCE(MAX(seq), 0) FROM device_links WHERE vault_id = ?")) {
      select.setBytes(1, vaultId);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  @Override
  public List<SignedDeviceLink> deviceChain(byte[] vaultId) {
    return reading(
        "read a device chain",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT link FROM device_links WHERE vault_id = ? ORDER BY seq")) {
            select.setBytes(1, vaultId);
            List<SignedDeviceLink> links = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                links.add(parseLink(rows.getBytes(1)));
              }
            }
            return links;
          }
        });
  }

  private static SignedDeviceLink parseLink(byte[] stored) {
    try {
      return SignedDeviceLink.parseFrom(stored);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("a stored device link does not parse", e);
    }
  }

  @Override
  public Optional<RecoveryRecord> recovery(byte[] recoveryPublicKey) {
    return reading(
        "find a recovery record",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT vault_id, root_key_by_recovery FROM recoveries"
                      + " WHERE recovery_public_key = ?")) {
            select.setBytes(1, recoveryPublicKey);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next()
                  ? Optional.of(
                      new RecoveryRecord(
                          recoveryPublicKey.clone(), rows.getBytes(1), rows.getBytes(2)))
                  : Optional.<RecoveryRecord>empty();
            }
          }
        });
  }

  // ------------------------------------------------------------------------------ pairing

  @Override
  public boolean openPairing(
      byte[] pairingId, byte[] vaultId, byte[] deviceId, long nowMillis, long expiresAtMillis) {
    checkId("device id", deviceId);
    return inTransaction(
        "open a pairing slot",
        connection -> {
          try (PreparedStatement purge =
              connection.prepareStatement("DELETE FROM pairings WHERE expires_at_ms < ?")) {
            purge.setLong(1, expiresAtMillis - PAIRING_SLOTS_KEPT_MILLIS);
            purge.executeUpdate();
          }
          if (openPairings(connection, vaultId, deviceId, nowMillis)
              >= limits.maxOpenPairingsPerDevice()) {
            throw new CapReachedException(Cap.OPEN_PAIRINGS);
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO pairings (pairing_id, vault_id, device_id, expires_at_ms)"
                      + " VALUES (?, ?, ?, ?) ON CONFLICT (pairing_id) DO NOTHING")) {
            insert.setBytes(1, pairingId);
            insert.setBytes(2, vaultId);
            insert.setBytes(3, deviceId);
            insert.setLong(4, expiresAtMillis);
            return insert.executeUpdate() == 1;
          }
        });
  }

  /** The device's slots that are still of use: not expired, no key package posted. */
  private static long openPairings(
      Connection connection, byte[] vaultId, byte[] deviceId, long nowMillis) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT COUNT(*) FROM pairings WHERE vault_id = ? AND device_id = ?"
                + " AND expires_at_ms > ? AND sealed_key_package IS NULL")) {
      select.setBytes(1, vaultId);
      select.setBytes(2, deviceId);
      select.setLong(3, nowMillis);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  @Override
  public boolean postJoinRequest(byte[] pairingId, byte[] joinRequest, long nowMillis) {
    return inTransaction(
        "post a join request",
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE pairings SET join_request = ? WHERE pairing_id = ?"
                      + " AND join_request IS NULL AND expires_at_ms > ?")) {
            update.setBytes(1, joinRequest);
            update.setBytes(2, pairingId);
            update.setLong(3, nowMillis);
            return update.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean postKeyPackage(
      byte[] pairingId, byte[] vaultId, byte[] sealedKeyPackage, long nowMillis) {
    return inTransaction(
        "post a key package",
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE pairings SET sealed_key_package = ? WHERE pairing_id = ?"
                      + " AND vault_id = ? AND join_request IS NOT NULL"
                      + " AND sealed_key_package IS NULL AND expires_at_ms > ?")) {
            update.setBytes(1, sealedKeyPackage);
            update.setBytes(2, pairingId);
            update.setBytes(3, vaultId);
            update.setLong(4, nowMillis);
            return update.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<Pairing> pairing(byte[] pairingId, long nowMillis) {
    return reading(
        "read a pairing slot",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT vault_id, expires_at_ms, join_request, sealed_key_package FROM pairings"
                      + " WHERE pairing_id = ? AND expires_at_ms > ?")) {
            select.setBytes(1, pairingId);
            select.setLong(2, nowMillis);
            try (ResultSet rows = select.executeQuery()) {
              if (!rows.next()) {
                return Optional.<Pairing>empty();
              }
              return Optional.of(
                  new Pairing(
                      rows.getBytes(1),
                      rows.getLong(2),
                      Optional.ofNullable(rows.getBytes(3)),
                      Optional.ofNullable(rows.getBytes(4))));
            }
          }
        });
  }

  @Override
  public Optional<Device> device(byte[] vaultId, byte[] deviceId) {
    return reading(
        "read a device",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT device_id, signing_public_keyset, registered_at_ms, revoked_at_ms"
                      + " FROM devices WHERE vault_id = ? AND device_id = ?")) {
            select.setBytes(1, vaultId);
            select.setBytes(2, deviceId);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.of(device(rows)) : Optional.<Device>empty();
            }
          }
        });
  }

  @Override
  public List<Device> devices(byte[] vaultId) {
    return reading(
        "list devices",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT device_id, signing_public_keyset, registered_at_ms, revoked_at_ms"
                      + " FROM devices WHERE vault_id = ? ORDER BY position")) {
            select.setBytes(1, vaultId);
            List<Device> devices = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                devices.add(device(rows));
              }
            }
            return devices;
          }
        });
  }

  private static Device device(ResultSet rows) throws SQLException {
    return Device.newBuilder()
        .setDeviceId(bytes(rows, 1))
        .setSigningPublicKeyset(bytes(rows, 2))
        .setRegisteredAtMs(rows.getLong(3))
        .setRevokedAtMs(rows.getLong(4))
        .build();
  }

  // ------------------------------------------------------------------------------ the log

  private record Appending(List<LogEntry> entries, Head grewTo) {}

  /**
   * A batch chained onto the log from ({@code fromSeq}, {@code fromHash}): every change's entry in
   * push order, the new ones among them, where the log then ends, and the new ones' quota bytes.
   */
  private record Chain(
      long fromSeq,
      byte[] fromHash,
      List<LogEntry> entries,
      List<LogEntry> fresh,
      long seq,
      byte[] headHash,
      long freshBytes) {
    boolean startsAt(VaultHead head) {
      return fromSeq == head.seq() && Arrays.equals(fromHash, head.hash());
    }
  }

  /**
   * Chains {@code changes} onto the log ending at ({@code seq}, {@code prevHash}); a change in
   * {@code known} (stored before) keeps its entry. Takes {@code known} over: a change id repeated
   * within the batch is stored once, like a retried one.
   */
  private static Chain chainOnto(
      byte[] vaultId,
      long seq,
      byte[] prevHash,
      List<Change> changes,
      Map<ByteBuffer, LogEntry> known,
      long acceptedAtMillis) {
    long fromSeq = seq;
    byte[] fromHash = prevHash;
    List<LogEntry> entries = new ArrayList<>(changes.size());
    List<LogEntry> fresh = new ArrayList<>();
    long freshBytes = 0;
    for (Change change : changes) {
      ByteBuffer changeId = change.getChangeId().asReadOnlyByteBuffer();
      LogEntry entry = known.get(changeId);
      if (entry == null) {
        seq++;
        byte[] entryHash = LogChain.entryHash(vaultId, seq, prevHash, change);
        entry =
            LogEntry.newBuilder()
                .setSeq(seq)
                .setPrevHash(ByteString.copyFrom(prevHash))
                .setEntryHash(ByteString.copyFrom(entryHash))
                .setChange(change)
                .setAcceptedAtMs(acceptedAtMillis)
                .build();
        prevHash = entryHash;
        freshBytes += countedBytes(change);
        known.put(changeId, entry);
        fresh.add(entry);
      }
      entries.add(entry);
    }
    return new Chain(fromSeq, fromHash, entries, fresh, seq, prevHash, freshBytes);
  }

  /**
   * Chains the batch before the write transaction, onto the head the log has now and with the
   * changes stored before (both read without a lock, the head first): the append keeps this chain
   * if the log still ends at that head, and chains again inside otherwise. A log only grows, and
   * its head's seq with it, so an unchanged head means nothing was appended since it was read: what
   * the lookup found is still all there is. Looking up, hashing and building the entries then
   * happen outside the one writer of the embedded store, in parallel for different vaults
   * (docs/PERFORMANCE.md). Null if the reads fail now (the transaction reports why).
   */
  private Chain chainAhead(byte[] vaultId, List<Change> changes, long acceptedAtMillis) {
    record Found(VaultRow head, Map<ByteBuffer, LogEntry> known) {}
    Found found;
    try {
      found =
          reading(
              "look up a push's changes",
              connection -> {
                VaultRow head = vaultRow(connection, vaultId);
                return new Found(head, findByChangeIds(connection, vaultId, changes));
              });
    } catch (RuntimeException e) {
      return null;
    }
    return chainOnto(
        vaultId, found.head().seq(), found.head().hash(), changes, found.known(), acceptedAtMillis);
  }

  @Override
  public List<LogEntry> append(byte[] vaultId, List<Change> changes, long acceptedAtMillis) {
    checkId("vault id", vaultId);
    for (Change change : changes) {
      checkId("change id", change.getChangeId().toByteArray());
    }
    Chain ahead = chainAhead(vaultId, changes, acceptedAtMillis);
    Appending appending =
        inTransaction(
            "append to a log",
            connection -> {
              VaultHead head =
                  lockHead(connection, vaultId).orElseThrow(() -> unknownVault(vaultId));
              Chain chain =
                  ahead != null && ahead.startsAt(head)
                      ? ahead
                      : chainOnto(
                          vaultId,
                          head.seq(),
                          head.hash(),
                          changes,
                          findByChangeIds(connection, vaultId, changes),
                          acceptedAtMillis);
              if (chain.fresh().isEmpty()) {
                return new Appending(chain.entries(), null);
              }
              long storedBytes = head.storedBytes() + chain.freshBytes();
              if (storedBytes > limits.maxBytesPerVault()) {
                throw new QuotaExceededException(
                    "the vault holds "
                        + head.storedBytes()
                        + " bytes; "
                        + chain.freshBytes()
                        + " more would pass its quota of "
                        + limits.maxBytesPerVault());
              }
              checkTotalBytes(connection, chain.freshBytes());
              insertEntries(connection, vaultId, chain.fresh());
              storedBytes -= dropSuperseded(connection, vaultId, chain.fresh());
              Head grewTo =
                  Head.newBuilder()
                      .setSeq(chain.seq())
                      .setEntryHash(ByteString.copyFrom(chain.headHash()))
                      .build();
              updateHead(connection, vaultId, grewTo, storedBytes);
              beforeCommit(connection, new Appended(vaultId.clone(), grewTo));
              return new Appending(chain.entries(), grewTo);
            });
    if (appending.grewTo() != null) {
      afterCommit(new Appended(vaultId.clone(), appending.grewTo()));
    }
    return appending.entries();
  }

  /**
   * Refuses an append of {@code freshBytes} that would take all vaults past the total cap. The sum
   * runs in the append's transaction, after the vault's head lock, so it sees every append
   * committed before (and, in a group commit, those before it in the group).
   */
  private void checkTotalBytes(Connection connection, long freshBytes) throws SQLException {
    long cap = limits.maxTotalBytes();
    if (cap == Long.MAX_VALUE) {
      return;
    }
    if (soleWriter()) {
      long atMost = totalBytesAtMost.get();
      if (atMost >= 0 && atMost <= cap - freshBytes) {
        totalBytesAtMost.addAndGet(freshBytes);
        return;
      }
    }
    long total = sumStoredBytes(connection);
    if (total > cap - freshBytes) {
      totalBytesAtMost.set(total);
      throw new CapReachedException(Cap.TOTAL_BYTES);
    }
    totalBytesAtMost.set(total + freshBytes);
  }

  /**
   * Drops the payloads that {@code appended} release: for each change with a {@code
   * supersedes_through}, the committed entries before it about the same record, up to that seq,
   * whose payloads are still here. Their hashes stay, so every chain still verifies; each names the
   * releasing change's seq, which clients check. Returns the bytes dropped.
   */
  private static long dropSuperseded(Connection connection, byte[] vaultId, List<LogEntry> appended)
      throws SQLException {
    if (appended.stream().allMatch(entry -> supersededThrough(entry) <= 0)) {
      return 0; // a push of new memories: nothing to look up
    }
    String superseded =
        " WHERE vault_id = ? AND record_id = ? AND seq <= ?"
            + " AND payload_hash IS NOT NULL AND payload_dropped_by = 0";
    long dropped = 0;
    try (PreparedStatement size =
            connection.prepareStatement(
                "SELECT COALESCE(SUM(length(payload)), 0) FROM log_entries" + superseded);
        PreparedStatement drop =
            connection.prepareStatement(
                "UPDATE log_entries SET payload = ?, payload_dropped_by = ?" + superseded)) {
      for (LogEntry entry : appended) {
        long through = supersededThrough(entry);
        if (through <= 0) {
          continue;
        }
        byte[] recordId = entry.getChange().getRecordId().toByteArray();
        size.setBytes(1, vaultId);
        size.setBytes(2, recordId);
        size.setLong(3, through);
        try (ResultSet rows = size.executeQuery()) {
          rows.next();
          dropped += rows.getLong(1);
        }
        drop.setBytes(1, new byte[0]);
        drop.setLong(2, entry.getSeq());
        drop.setBytes(3, vaultId);
        drop.setBytes(4, recordId);
        drop.setLong(5, through);
        drop.executeUpdate();
      }
    }
    return dropped;
  }

  /** The last seq {@code entry} releases (never its own or later), or 0 for none. */
  private static long supersededThrough(LogEntry entry) {
    Change change = entry.getChange();
    return CommittedPayloads.isCommitted(change)
        ? Math.min(change.getSupersedesThrough(), entry.getSeq() - 1)
        : 0;
  }

  /** Payload, signature and batch proof: what the quota counts. */
  static long countedBytes(Change change) {
    return (long) change.getPayload().size()
        + change.getSignature().size()
        + (change.hasBatch() ? change.getBatch().getSerializedSize() : 0);
  }

  /** Change ids looked up per query: one query for a push of up to this many changes. */
  static final int LOOKUP_CHUNK = 500;

  /**
   * The vault's existing entries for any of the changes' ids, by change id: one query per {@link
   * #LOOKUP_CHUNK} ids rather than one per change.
   */
  Map<ByteBuffer, LogEntry> findByChangeIds(
      Connection connection, byte[] vaultId, List<Change> changes) throws SQLException {
    Map<ByteBuffer, LogEntry> found = new HashMap<>();
    for (int from = 0; from < changes.size(); from += LOOKUP_CHUNK) {
      List<Change> chunk = changes.subList(from, Math.min(changes.size(), from + LOOKUP_CHUNK));
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT "
                  + ENTRY_COLUMNS
                  + " FROM log_entries WHERE vault_id = ? AND change_id IN ("
                  + "?, ".repeat(chunk.size() - 1)
                  + "?)")) {
        select.setBytes(1, vaultId);
        for (int i = 0; i < chunk.size(); i++) {
          select.setBytes(i + 2, chunk.get(i).getChangeId().toByteArray());
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            LogEntry entry = entry(rows);
            found.put(entry.getChange().getChangeId().asReadOnlyByteBuffer(), entry);
          }
        }
      }
    }
    return found;
  }

  private static void insertEntries(Connection connection, byte[] vaultId, List<LogEntry> entries)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO log_entries (vault_id, "
                + ENTRY_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (LogEntry entry : entries) {
        Change change = entry.getChange();
        insert.setBytes(1, vaultId);
        insert.setLong(2, entry.getSeq());
        insert.setBytes(3, entry.getPrevHash().toByteArray());
        insert.setBytes(4, entry.getEntryHash().toByteArray());
        insert.setBytes(5, change.getChangeId().toByteArray());
        insert.setBytes(6, change.getDeviceId().toByteArray());
        insert.setBytes(7, change.getRecordId().toByteArray());
        insert.setBytes(8, change.getPayload().toByteArray());
        insert.setBytes(9, change.getSignature().toByteArray());
        insert.setLong(10, entry.getAcceptedAtMs());
        // NULL for a change signed alone (by an older client): its entry has no proof to return.
        insert.setBytes(11, change.hasBatch() ? change.getBatch().toByteArray() : null);
        boolean committed = CommittedPayloads.isCommitted(change);
        insert.setBytes(12, committed ? change.getPayloadHash().toByteArray() : null);
        insert.setLong(13, change.getSupersedesThrough());
        insert.setLong(14, 0);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  @Override
  public List<LogEntry> read(byte[] vaultId, long afterSeq, int limit) {
    if (afterSeq < 0 || limit <= 0) {
      throw new IllegalArgumentException(
          "afterSeq must not be negative and limit must be positive: " + afterSeq + ", " + limit);
    }
    return reading(
        "read a log",
        connection -> {
          List<LogEntry> entries = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT "
                      + ENTRY_COLUMNS
                      + " FROM log_entries WHERE vault_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            select.setBytes(1, vaultId);
            select.setLong(2, afterSeq);
            select.setInt(3, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                entries.add(entry(rows));
              }
            }
          }
          if (entries.isEmpty()) {
            vaultRow(connection, vaultId); // an unknown vault is an error, not an empty log
          }
          return entries;
        });
  }

  @Override
  public Head head(byte[] vaultId) {
    return reading("read a head", connection -> vaultRow(connection, vaultId).head());
  }

  @Override
  public long storedBytes(byte[] vaultId) {
    return reading("read a vault's size", connection -> vaultRow(connection, vaultId).storedBytes);
  }

  @Override
  public long totalStoredBytes() {
    return reading("sum the vaults' sizes", JdbcSyncStore::sumStoredBytes);
  }

  @Override
  public String serverIdentity(String proposed) {
    return inTransaction(
        "keep the server identity",
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO server_identity (id, server_id) VALUES (1, ?)"
                      + " ON CONFLICT (id) DO NOTHING")) {
            insert.setString(1, proposed);
            insert.executeUpdate();
          }
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT server_id FROM server_identity WHERE id = 1");
              ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getString(1);
          }
        });
  }

  @Override
  public byte[] serverSecretCheck(byte[] proposed) {
    return inTransaction(
        "keep the server secret's check value",
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO server_secret_check (id, check_value) VALUES (1, ?)"
                      + " ON CONFLICT (id) DO NOTHING")) {
            insert.setBytes(1, proposed);
            insert.executeUpdate();
          }
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT check_value FROM server_secret_check WHERE id = 1");
              ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getBytes(1);
          }
        });
  }

  @Override
  public void replaceServerSecretCheck(byte[] check) {
    inTransaction(
        "replace the server secret's check value",
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO server_secret_check (id, check_value) VALUES (1, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET check_value = excluded.check_value")) {
            upsert.setBytes(1, check);
            upsert.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void recordGrantRead(byte[] vaultId, byte[] grantId, long atMillis, long recordsServed) {
    inTransaction(
        "record a grant's read",
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO grant_reads"
                      + " (vault_id, grant_id, last_read_ms, records_served, reads)"
                      + " VALUES (?, ?, ?, ?, 1)"
                      + " ON CONFLICT (vault_id, grant_id) DO UPDATE SET"
                      + " last_read_ms = excluded.last_read_ms,"
                      + " records_served = grant_reads.records_served + excluded.records_served,"
                      + " reads = grant_reads.reads + 1")) {
            upsert.setBytes(1, vaultId);
            upsert.setBytes(2, grantId);
            upsert.setLong(3, atMillis);
            upsert.setLong(4, recordsServed);
            return upsert.executeUpdate();
          }
        });
  }

  @Override
  public List<GrantAccess> grantReads(byte[] vaultId) {
    return reading(
        "list grant reads",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT grant_id, last_read_ms, records_served, reads FROM grant_reads"
                      + " WHERE vault_id = ? ORDER BY grant_id")) {
            select.setBytes(1, vaultId);
            List<GrantAccess> reads = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                reads.add(
                    GrantAccess.newBuilder()
                        .setGrantId(bytes(rows, 1))
                        .setLastAccessMs(rows.getLong(2))
                        .setRecordsServed(rows.getLong(3))
                        .setReads(rows.getLong(4))
                        .build());
              }
            }
            return reads;
          }
        });
  }

  @Override
  public long vaultCount() {
    return reading("count the vaults", JdbcSyncStore::countVaults);
  }

  private record VaultRow(long seq, byte[] hash, long storedBytes) {
    Head head() {
      return Head.newBuilder().setSeq(seq).setEntryHash(ByteString.copyFrom(hash)).build();
    }
  }

  private static VaultRow vaultRow(Connection connection, byte[] vaultId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT head_seq, head_hash, stored_bytes FROM vaults WHERE vault_id = ?")) {
      select.setBytes(1, vaultId);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw unknownVault(vaultId);
        }
        return new VaultRow(rows.getLong(1), rows.getBytes(2), rows.getLong(3));
      }
    }
  }

  /** A BLOB or bytea column as a ByteString; the SQLite driver reads an empty blob as null. */
  static ByteString bytes(ResultSet rows, int column) throws SQLException {
    byte[] bytes = rows.getBytes(column);
    return bytes == null ? ByteString.EMPTY : ByteString.copyFrom(bytes);
  }

  /** Reads a row of {@link #ENTRY_COLUMNS}. */
  static LogEntry entry(ResultSet rows) throws SQLException {
    Change.Builder change =
        Change.newBuilder()
            .setChangeId(bytes(rows, 4))
            .setDeviceId(bytes(rows, 5))
            .setRecordId(bytes(rows, 6))
            .setPayload(bytes(rows, 7))
            .setSignature(bytes(rows, 8));
    byte[] proof = rows.getBytes(10);
    if (proof != null && proof.length > 0) {
      try {
        change.setBatch(BatchProof.parseFrom(proof));
      } catch (InvalidProtocolBufferException e) {
        throw new SQLException(
            "the stored batch proof of log entry " + rows.getLong(1) + " is corrupt", e);
      }
    }
    byte[] payloadHash = rows.getBytes(11);
    if (payloadHash != null) {
      change.setPayloadHash(ByteString.copyFrom(payloadHash));
    }
    change.setSupersedesThrough(rows.getLong(12));
    return LogEntry.newBuilder()
        .setSeq(rows.getLong(1))
        .setPrevHash(bytes(rows, 2))
        .setEntryHash(bytes(rows, 3))
        .setChange(change)
        .setAcceptedAtMs(rows.getLong(9))
        .setPayloadDroppedBy(rows.getLong(13))
        .build();
  }

  // ------------------------------------------------------------------------------ notices

  @Override
  public AutoCloseable subscribe(Consumer<Appended> listener) {
    return listeners.add(listener);
  }

  // ------------------------------------------------------------------------------ helpers

  static UnknownVaultException unknownVault(byte[] vaultId) {
    return new UnknownVaultException("no vault " + HexFormat.of().formatHex(vaultId));
  }

  static void checkId(String what, byte[] id) {
    if (id.length != ID_LENGTH) {
      throw new IllegalArgumentException(
          what + " must be " + ID_LENGTH + " bytes, not " + id.length);
    }
  }
}
