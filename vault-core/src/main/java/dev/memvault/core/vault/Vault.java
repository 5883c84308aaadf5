package dev.memvault.core.vault;

import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.memvault.core.VaultException;
import dev.memvault.core.backup.BackupOptions;
import dev.memvault.core.backup.VaultBackup;
import dev.memvault.core.crypto.KdfParameters;
import dev.memvault.core.crypto.KeyWrap;
import dev.memvault.core.crypto.RecordAddress;
import dev.memvault.core.crypto.RecordCipher;
import dev.memvault.core.crypto.RecoveryKey;
import dev.memvault.core.crypto.RootKey;
import dev.memvault.core.crypto.ScopeKeyset;
import dev.memvault.core.store.MemoryFilter;
import dev.memvault.core.store.MemoryRows;
import dev.memvault.core.store.MetaRows;
import dev.memvault.core.store.Migrations;
import dev.memvault.core.store.FtsQuery;
import dev.memvault.core.store.ScopeRows;
import dev.memvault.core.store.Snippet;
import dev.memvault.core.store.SqlCipherDatabase;
import dev.memvault.core.store.StoredMemory;
import dev.memvault.core.sync.ApplyReport;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.core.crypto.RecoverySigningKey;
import dev.memvault.core.sync.ChainHead;
import dev.memvault.core.sync.ChangeIds;
import dev.memvault.core.sync.OutboxRow;
import java.security.MessageDigest;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.core.sync.HybridClock;
import dev.memvault.core.sync.OutboxEntry;
import dev.memvault.core.sync.RemoteChange;
import dev.memvault.core.sync.ScopeIds;
import dev.memvault.core.sync.ScopeNames;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.core.sync.SyncRows;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.v1.ScopeRecord;
import dev.memvault.proto.v1.SyncPayload;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import dev.memvault.proto.v1.Source;
import dev.memvault.proto.v1.VaultHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * An open local vault: one person's memories, encrypted per scope, in a SQLCipher database.
 *
 * <p>Key hierarchy: the passphrase (Argon2id) and the recovery key each wrap the random root key;
 * the root key wraps each scope's Tink keyset and the database key. Every memory revision is
 * sealed into a {@link RecordEnvelope} under its scope's keyset; the envelope is stored, and is
 * what sync carries. Every write is one SQLite transaction with synchronous=FULL: once a method
 * returns, the write survives a crash.
 *
 * <p>Thread-safe: methods are serialized on the instance.
 */
public final class Vault implements AutoCloseable {
  public static final int FORMAT_VERSION = 1;
  public static final String DATABASE_FILE = "vault.db";
  public static final int MAX_TEXT_CHARS = 4 * 1024 * 1024;
  /** Words in a search hit's snippet, as FTS5's snippet() was asked for before. */
  private static final int SNIPPET_WORDS = 16;
  /** Search rows looked at, at most, for one search (hits folding into conversations). */
  private static final int MAX_SEARCH_ROWS = 40_000;

  /**
   * Memories sealed per task in {@link #addAll}: enough to outweigh a hand-off (a 1 KiB memory
   * takes about 30 us to seal), few enough that the writer starts soon.
   */
  private static final int SEAL_CHUNK = 64;

  private static final String META_VAULT_ID = "vault_id";
  /** The device chain head this device verified last ({@link ChainHead}). */
  private static final String META_CHAIN_HEAD = "device_chain_head";
  /** The vault's first device chain link, made at creation, sent at registration. */
  private static final String META_GENESIS = "device_chain_genesis";

  private final Path directory;
  /** The header as last read or written; changePassphrase replaces it. */
  private volatile VaultHeader header;
  private final RootKey rootKey;
  private final Connection connection;
  private final MemoryRows memories;
  private final ScopeRows scopeRows;
  private final Clock clock;
  private final SecureRandom random;
  private final Uuid7 ids;
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final Scopes openScopes = new Scopes();
  // Sync (docs/FORMAT.md, section 14): the outbox and cursor tables, and the hybrid clock that
  // stamps every new revision.
  private final SyncRows syncRows;
  private final HybridClock hlc;
  private final ChangeIds changeIds;
  /** The clock value stored in the vault by the last commit. */
  private long persistedHlc;
  private DeviceSigningKey signingKey;

  private Vault(
      Path directory,
      VaultHeader header,
      RootKey rootKey,
      Connection connection,
      Clock clock,
      SecureRandom random)
      throws SQLException, GeneralSecurityException {
    this.directory = directory;
    this.header = header;
    this.rootKey = rootKey;
    this.connection = connection;
    this.memories = new MemoryRows(connection);
    this.scopeRows = new ScopeRows(connection);
    this.clock = clock;
    this.random = random;
    this.ids = new Uuid7(clock, random);
    this.vaultId = header.getVaultId().toByteArray();
    this.deviceId = header.getDeviceId().toByteArray();
    this.syncRows = new SyncRows(connection);
    this.hlc = new HybridClock(clock, syncRows.hlc());
    this.changeIds = new ChangeIds(random);
    this.persistedHlc = hlc.last();
    for (ScopeRows.StoredScope stored : scopeRows.all()) {
      ScopeKeyset keyset =
          ScopeKeyset.decrypt(stored.encryptedKeyset(), rootKey, vaultId, stored.scopeId());
      openScopes.put(new Scope(stored.scopeId(), stored.name(), keyset));
    }
  }

  /**
   * Told how far the one-time rebuild of the search index has come, which the first open after an
   * upgrade or a restore runs (about a second per 10,000 memories).
   */
  @FunctionalInterface
  public interface RebuildProgress {
    RebuildProgress NONE = (indexed, total) -> {};

    /** Called with 0 first, then after every page of memories; {@code indexed <= total}. */
    void indexed(long indexed, long total);
  }

  private void rebuildSearchIndexIfStale(RebuildProgress progress) throws SQLException {
    if (new MetaRows(connection).get(MetaRows.SEARCH_INDEX_STALE) != null) {
      rebuildSearchIndex(progress);
    }
  }

  /**
   * Fills the search index again from the envelopes of the live memories, in one transaction
   * with removing the marker that asked for it: a crash midway leaves the marker, and the next
   * open starts over.
   */
  private void rebuildSearchIndex(RebuildProgress progress) {
    inTransaction(() -> {
      memories.clearIndex();
      long total = memories.countLive();
      long indexed = 0;
      progress.indexed(0, total);
      long after = 0;
      List<StoredMemory> page;
      while (!(page = memories.page(after, 1_000)).isEmpty()) {
        for (StoredMemory row : page) {
          memories.index(row.seq(), indexed(decrypt(row)));
          after = row.seq();
        }
        indexed += page.size();
        progress.indexed(Math.min(indexed, total), total);
      }
      new MetaRows(connection).delete(MetaRows.SEARCH_INDEX_STALE);
      return null;
    });
  }

  /** What a live memory is indexed under: its search text and its tags. */
  private static MemoryRows.IndexedText indexed(Memory memory) {
    return new MemoryRows.IndexedText(MemoryRules.searchText(memory), memory.getTagsList());
  }

  /** What a stored revision is indexed under, or empty for a tombstone (not indexed). */
  private static Optional<MemoryRows.IndexedText> indexedIfLive(Memory memory) {
    return memory.getDeleted() ? Optional.empty() : Optional.of(indexed(memory));
  }

  // ---------------------------------------------------------------- creating and opening

  public static CreatedVault create(Path directory, char[] passphrase) {
    return create(directory, passphrase, Clock.systemUTC(), new SecureRandom());
  }

  /**
   * Creates a vault in {@code directory} (made if missing). Refuses, touching nothing, if a vault
   * or any part of one is already there. The vault's device chain starts here: its first link,
   * this device adding itself, is signed by this device and by the recovery key (which is shown
   * once and never stored), and is sent to the sync server at the first sync.
   */
  public static CreatedVault create(
      Path directory, char[] passphrase, Clock clock, SecureRandom random) {
    VaultKeys.requirePassphrase(passphrase);
    byte[] vaultId = VaultKeys.randomBytes(random, 16);
    byte[] deviceId = VaultKeys.randomBytes(random, 16);
    RootKey root = RootKey.generate();
    RecoveryKey recovery = RecoveryKey.generate();
    DeviceSigningKey signingKey = DeviceSigningKey.generate();
    SignedDeviceLink genesis =
        DeviceLinks.genesis(
            vaultId,
            deviceId,
            signingKey,
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
            new JoiningDevice(
                vaultId,
                deviceId,
                root,
                rootByRecovery.toByteArray(),
                signingKey,
                new ChainHead(1, DeviceChain.linkHash(genesis))),
            Optional.of(genesis));
    return new CreatedVault(vault, recovery.toDisplayString());
  }

  /**
   * Creates a new device of an existing vault in {@code directory}, with the keys and the device
   * chain head that another device of the vault (device linking) or the recovery key (join
   * --recovery) provided, and its own passphrase. It holds no memories until it syncs.
   */
  public static Vault createJoined(Path directory, char[] passphrase, JoiningDevice device) {
    VaultKeys.requirePassphrase(passphrase);
    return createDevice(
        directory, passphrase, Clock.systemUTC(), new SecureRandom(), device, Optional.empty());
  }

  private static Vault createDevice(
      Path directory,
      char[] passphrase,
      Clock clock,
      SecureRandom random,
      JoiningDevice device,
      Optional<SignedDeviceLink> genesis) {
    Path headerFile = VaultHeaderFile.path(directory);
    Path database = directory.resolve(DATABASE_FILE);
    if (Files.exists(headerFile)) {
      throw new VaultException.AlreadyExists(
          "a vault already exists at " + directory + "; nothing was changed");
    }
    if (Files.exists(database)) {
      throw new VaultException.AlreadyExists(
          database + " exists without a vault header; move it away to create a new vault there");
    }
    try {
      Files.createDirectories(directory);
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
    try {
      header =
          VaultHeader.newBuilder()
              .setFormatVersion(FORMAT_VERSION)
              .setVaultId(ByteString.copyFrom(vaultId))
              .setDeviceId(ByteString.copyFrom(deviceId))
              .setKdf(kdf.toProto())
              .setRootKeyByPassphrase(VaultKeys.wrapRootByPassphrase(root, passphrase, kdf, vaultId))
              .setRootKeyByRecovery(ByteString.copyFrom(device.rootKeyByRecovery()))
              .setDatabaseKey(
                  ByteString.copyFrom(
                      KeyWrap.wrap(root.secret(), databaseKey, VaultKeys.databaseKeyAd(vaultId, deviceId))))
              .setCreatedAt(clock.instant().getEpochSecond())
              .build();
      header = HeaderIntegrity.seal(header, root);
      encryptedSigningKey = device.signingKey().encrypt(root, vaultId, deviceId);
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
      meta.put(META_CHAIN_HEAD, device.chainHead().encode(deviceId));
      if (genesis.isPresent()) {
        meta.put(META_GENESIS, genesis.get().toByteArray());
      }
    } catch (SQLException e) {
      throw new VaultException("cannot create the vault database: " + e.getMessage(), e);
    }
    VaultHeaderFile.write(directory, header);
    return openWithRoot(directory, header, root, clock, random);
  }

  public static Vault open(Path directory, char[] passphrase) {
    return open(directory, passphrase, Clock.systemUTC(), new SecureRandom());
  }

  /** As {@link #open(Path, char[])}, telling {@code progress} of a search index rebuild. */
  public static Vault open(Path directory, char[] passphrase, RebuildProgress progress) {
    return open(directory, passphrase, Clock.systemUTC(), new SecureRandom(), progress);
  }

  /**
   * Opens a vault with its passphrase.
   *
   * @throws VaultException.WrongKey if the passphrase is wrong
   * @throws VaultException.NotFound if there is no vault
   * @throws VaultException.Corrupt if the header or database fails an integrity check
   */
  public static Vault open(Path directory, char[] passphrase, Clock clock, SecureRandom random) {
    return open(directory, passphrase, clock, random, RebuildProgress.NONE);
  }

  private static Vault open(
      Path directory,
      char[] passphrase,
      Clock clock,
      SecureRandom random,
      RebuildProgress progress) {
    VaultHeader header = VaultKeys.readHeader(directory);
    RootKey root = VaultKeys.unwrapRootByPassphrase(directory, header, passphrase);
    return openWithRoot(directory, header, root, clock, random, progress);
  }

  /**
   * Opens a vault with its recovery key and sets a new passphrase; the old passphrase stops
   * working. The recovery key stays valid.
   *
   * @throws VaultException.WrongKey if the recovery key is mistyped or belongs to another vault
   */
  public static Vault recover(Path directory, String recoveryKeyText, char[] newPassphrase) {
    VaultKeys.requirePassphrase(newPassphrase);
    VaultHeader header = VaultKeys.readHeader(directory);
    RootKey root = VaultKeys.unwrapRootByRecovery(directory, header, recoveryKeyText);
    Vault vault = openWithRoot(directory, header, root, Clock.systemUTC(), new SecureRandom());
    vault.changePassphrase(newPassphrase);
    return vault;
  }

  /**
   * The recovery signing key of a recovery key as a person typed it (join --recovery).
   *
   * @throws VaultException.WrongKey if the text is not a recovery key
   */
  public static RecoverySigningKey recoverySigningKey(String recoveryKeyText) {
    return RecoverySigningKey.derive(VaultKeys.parseRecoveryKey(recoveryKeyText));
  }

  /**
   * The root key that {@code recoveryKeyText} unwraps from {@code rootKeyByRecovery}, the wrapping
   * a device of vault {@code vaultId} registered with its sync server (join --recovery).
   *
   * @throws VaultException.WrongKey if the recovery key does not unwrap it
   */
  public static RootKey rootKeyFromRecovery(
      String recoveryKeyText, byte[] vaultId, byte[] rootKeyByRecovery) {
    return VaultKeys.unwrapRootByRecovery(
        "the vault the sync server holds for it", vaultId, rootKeyByRecovery, recoveryKeyText);
  }

  /**
   * Sets a new passphrase by re-wrapping the root key under a new Argon2id key with a fresh
   * salt. No memory is re-encrypted.
   */
  public synchronized void changePassphrase(char[] newPassphrase) {
    VaultKeys.requirePassphrase(newPassphrase);
    KdfParameters kdf = KdfParameters.defaults(random);
    VaultHeader current = VaultKeys.readHeader(directory);
    VaultHeader changed;
    try {
      changed =
          HeaderIntegrity.seal(
              current.toBuilder()
                  .setKdf(kdf.toProto())
                  .setRootKeyByPassphrase(
                      VaultKeys.wrapRootByPassphrase(rootKey, newPassphrase, kdf, vaultId))
                  .build(),
              rootKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key wrapping failed", e);
    }
    VaultHeaderFile.write(directory, changed);
    header = changed;
  }

  private static Vault openWithRoot(
      Path directory, VaultHeader header, RootKey root, Clock clock, SecureRandom random) {
    return openWithRoot(directory, header, root, clock, random, RebuildProgress.NONE);
  }

  private static Vault openWithRoot(
      Path directory,
      VaultHeader header,
      RootKey root,
      Clock clock,
      SecureRandom random,
      RebuildProgress progress) {
    byte[] vaultId = header.getVaultId().toByteArray();
    byte[] deviceId = header.getDeviceId().toByteArray();
    SecretBytes databaseKey;
    try {
      databaseKey =
          KeyWrap.unwrap(
              root.secret(), header.getDatabaseKey().toByteArray(), VaultKeys.databaseKeyAd(vaultId, deviceId));
    } catch (GeneralSecurityException e) {
      throw new VaultException.Corrupt(
          "the vault header at " + directory + " has been altered; restore it from a backup");
    }
    if (!HeaderIntegrity.verify(header, root)) {
      throw new VaultException.Corrupt(
          "the vault header at " + directory + " has been altered; restore it from a backup");
    }
    Path database = directory.resolve(DATABASE_FILE);
    if (!Files.isRegularFile(database)) {
      throw new VaultException.Corrupt(
          "the vault database " + database + " is missing; restore it from a backup");
    }
    Connection connection;
    try {
      connection = SqlCipherDatabase.open(database, databaseKey);
    } catch (SQLException e) {
      throw databaseDamaged(database);
    }
    try {
      // An existing vault's database always has a schema; an empty one is damage, and must not
      // be "repaired" into an empty vault by migrating it.
      if (Migrations.currentVersion(connection) == 0) {
        closeQuietly(connection);
        throw databaseDamaged(database);
      }
      Migrations.migrate(connection);
      byte[] storedVaultId = new MetaRows(connection).get(META_VAULT_ID);
      if (!Arrays.equals(storedVaultId, vaultId)) {
        throw new VaultException.Corrupt(
            "the vault database " + database + " does not belong to this vault header");
      }
      Vault vault = new Vault(directory, header, root, connection, clock, random);
      vault.rebuildSearchIndexIfStale(progress); // a failure closes the connection, below
      return vault;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw databaseDamaged(database);
    } catch (GeneralSecurityException e) {
      closeQuietly(connection);
      throw new VaultException.Corrupt(
          "a scope key in " + database + " fails its integrity check; restore from a backup");
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  // ---------------------------------------------------------------- memories

  /**
   * Adds a new memory. An empty id gets a fresh UUIDv7; missing timestamps get the current time;
   * the revision is 1. The scope is created on first use.
   */
  public synchronized Memory add(Memory draft) {
    return addAll(List.of(draft)).get(0);
  }

  /** Adds memories in one transaction: all of them, or none. */
  public synchronized List<Memory> addAll(List<Memory> drafts) {
    return inTransaction(() -> {
      List<NewMemory> ready = new ArrayList<>(drafts.size());
      for (Memory draft : drafts) {
        ready.add(prepareNew(draft));
      }
      // The records are sealed on other threads (SealAhead) while this one writes the search
      // index, the largest part of its work: the index needs the plaintext and seqs given in
      // advance, not the envelopes. The rows follow, with those seqs, as their records are sealed.
      try (SealAhead<NewMemory, SealedMemory> sealed =
          new SealAhead<>(ready, SEAL_CHUNK, this::seal, ForkJoinPool.commonPool())) {
        long firstSeq = memories.nextSeq();
        for (int i = 0; i < ready.size(); i++) {
          memories.indexNew(firstSeq + i, ready.get(i).indexed());
        }
        memories.flushIndexWrites();
        List<Memory> added = new ArrayList<>(drafts.size());
        for (long seq = firstSeq; sealed.hasNext(); seq++) {
          long at = seq;
          SealedMemory next = sealed.next();
          added.add(
              write(
                  next,
                  () -> memories.insertAt(at, stored(next), next.ready().indexed().tags())));
        }
        return added;
      }
    });
  }

  /**
   * Writes a new revision of a live memory. {@code change} edits a copy of the current revision;
   * the id, scope, kind and creation time cannot change. The previous revision stays in the
   * history.
   */
  public synchronized Memory update(String id, Consumer<Memory.Builder> change) {
    return inTransaction(() -> replace(id, change));
  }

  private Memory replace(String id, Consumer<Memory.Builder> change)
      throws SQLException, GeneralSecurityException {
    {
      StoredMemory row = liveRow(id);
      Memory current = decrypt(row);
      Memory.Builder builder = current.toBuilder();
      change.accept(builder);
      if (current.getKind() == Kind.MESSAGE) {
        // The conversation_id column is written once, at insert; the envelope must agree with it.
        builder.getMessageBuilder().setConversationId(current.getMessage().getConversationId());
      }
      Instant now = clock.instant();
      Memory next =
          builder
              .setId(current.getId())
              .setScope(current.getScope())
              .setKindValue(current.getKindValue())
              .setCreatedAt(current.getCreatedAt())
              .setRevision(current.getRevision() + 1)
              .setUpdatedAt(timestamp(now))
              .setHlc(nextHlc())
              .build();
      MemoryRules.validate(next);
      Scope scope = openScopes.byId(row.scopeId());
      RecordEnvelope sealed = seal(scope, next);
      byte[] envelope = sealed.toByteArray();
      memories.replaceCurrent(
          row, indexed(current), next.getRevision(), now.toEpochMilli(), envelope, indexed(next));
      enqueueRevision(sealed);
      return next;
    }
  }

  /**
   * Forgets a memory: it leaves listings and search, its earlier revisions are deleted, and a
   * tombstone revision remains so that other devices learn of the deletion. Forgetting a
   * conversation forgets its messages too.
   */
  public synchronized void forget(String id) {
    inTransaction(() -> {
      StoredMemory row = liveRow(id);
      tombstone(row);
      if (row.kind() == Kind.CONVERSATION_VALUE) {
        for (StoredMemory message : memories.messagesOf(row.id())) {
          tombstone(message);
        }
      }
      return null;
    });
  }

  /** The current revision of a live memory. */
  public synchronized Memory get(String id) {
    try {
      return decrypt(liveRow(id));
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    }
  }

  /** Every revision of a live memory, oldest first, the current one last. */
  public synchronized List<Memory> history(String id) {
    try {
      StoredMemory row = liveRow(id);
      Scope scope = openScopes.byId(row.scopeId());
      List<Memory> revisions = new ArrayList<>();
      for (MemoryRows.Revision revision : memories.history(row.id())) {
        revisions.add(decrypt(scope, row.id(), revision.revision(), revision.envelope()));
      }
      revisions.add(decrypt(row));
      return revisions;
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    }
  }

  /** The live messages of a conversation, in the order they were stored. */
  public synchronized List<Memory> messages(String conversationId) {
    try {
      return liveMessages(conversationId);
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    }
  }

  private List<Memory> liveMessages(String conversationId) throws SQLException {
    String canonical = liveRow(conversationId).id();
    List<Memory> result = new ArrayList<>();
    for (StoredMemory row : memories.messagesOf(canonical)) {
      result.add(decrypt(row));
    }
    return result;
  }

  /** Live memories, most recently updated first. Messages only when the kind asks for them. */
  public synchronized List<Memory> list(Selection selection) {
    try {
      List<Memory> result = new ArrayList<>();
      for (StoredMemory row : memories.list(filter(selection))) {
        result.add(decrypt(row));
      }
      return result;
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    }
  }

  /**
   * Full-text search, best match first. The query is taken as a person typed it (see {@link
   * FtsQuery}). A match in a conversation's message is reported as the conversation, once.
   *
   * @throws VaultException.InvalidInput if the query has no searchable characters
   */
  public synchronized List<SearchResult> search(String query, Selection selection) {
    String match =
        FtsQuery.from(query)
            .orElseThrow(
                () -> new VaultException.InvalidInput("the search has no words to look for"));
    List<FtsQuery.Term> terms = FtsQuery.terms(query);
    try {
      Map<String, SearchResult> results = new LinkedHashMap<>();
      // Rows as many as will be shown first: each row is a lookup in the memories table, often a
      // page read and decrypted. Only when hits fold into conversations already shown (several
      // messages of one conversation) does the search look further, in growing steps.
      MemoryFilter filter = filter(selection);
      int offset = 0;
      int step = selection.limit();
      while (results.size() < selection.limit() && step > 0) {
        List<MemoryRows.SearchRow> rows = memories.search(match, filter, step, offset);
        for (MemoryRows.SearchRow row : rows) {
          if (results.size() == selection.limit()) {
            break;
          }
          addResult(results, row, terms);
        }
        if (rows.size() < step) {
          break;
        }
        offset += rows.size();
        step = Math.min(step * 4, MAX_SEARCH_ROWS - offset);
      }
      return new ArrayList<>(results.values());
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    }
  }

  /** Adds a search hit unless its memory (or, for a message, its conversation) is shown already. */
  private void addResult(
      Map<String, SearchResult> results, MemoryRows.SearchRow row, List<FtsQuery.Term> terms)
      throws SQLException {
    StoredMemory hit = row.memory();
    String shownId = hit.kind() == Kind.MESSAGE_VALUE ? hit.conversationId() : hit.id();
    if (results.containsKey(shownId)) {
      return;
    }
    Memory matched = decrypt(hit);
    Memory shown = matched;
    if (hit.kind() == Kind.MESSAGE_VALUE) {
      Optional<StoredMemory> conversation = memories.find(shownId);
      if (conversation.isEmpty() || conversation.get().deleted()) {
        return;
      }
      shown = decrypt(conversation.get());
    }
    String snippet = Snippet.of(MemoryRules.searchText(matched), terms, SNIPPET_WORDS);
    results.put(shownId, new SearchResult(shown, snippet, row.score()));
  }

  /**
   * Writes done together in one transaction by {@link #write}: all of them land, or none (for
   * example, one imported conversation with its messages).
   */
  public interface Writes {
    /** As {@link Vault#add}. */
    Memory add(Memory draft);

    /** As {@link Vault#update}. */
    Memory update(String id, Consumer<Memory.Builder> change);

    /**
     * The conversation or other memory, not a message, imported with this provider id, if any,
     * live or forgotten. Messages are found within their conversation: {@link
     * #findMessageBySource}.
     */
    Optional<SourceMatch> findBySource(String provider, String externalId);

    /**
     * The message of conversation {@code conversationId} imported with this provider id, live or
     * forgotten, if any. Messages are found within their conversation only.
     */
    Optional<SourceMatch> findMessageBySource(
        String conversationId, String provider, String externalId);

    /** As {@link Vault#get}, seeing the writes made so far in this transaction. */
    Memory get(String id);

    /** As {@link Vault#messages}, seeing the writes made so far in this transaction. */
    List<Memory> messages(String conversationId);

    /**
     * Runs {@code work} inside a savepoint: if it throws, its writes are undone and the exception
     * is rethrown, while the writes made before it in this transaction stay. This lets a caller
     * commit many independent units (conversations of an import) in one transaction, paying for
     * one durable commit instead of one per unit, and still keep each unit all-or-nothing.
     */
    <T> T attempt(java.util.function.Function<Writes, T> work);

    /**
     * Stores a memory with its whole history exactly as given (ids, timestamps, revisions), as
     * an export of another vault holds it. Returns false, storing nothing, if the id exists.
     *
     * @param revisions every revision of one memory, oldest first; the last is the current one
     */
    boolean restore(List<Memory> revisions);
  }

  /** A memory found by its provider id: its id here, and whether it was forgotten. */
  public record SourceMatch(String id, boolean forgotten) {}

  /** Runs several writes in one transaction; if {@code work} throws, none of them happened. */
  public synchronized <T> T write(java.util.function.Function<Writes, T> work) {
    return inTransaction(() -> work.apply(new TransactionWrites()));
  }

  /**
   * The memory imported from {@code provider} with the provider's own id {@code externalId},
   * live or forgotten: a forgotten import stays forgotten when the same export is imported again.
   * Messages are found too, but by reading the whole vault (they are in no index by provider id);
   * an importer finds them within their conversation ({@link Writes#findMessageBySource}).
   */
  public synchronized Optional<SourceMatch> findBySource(String provider, String externalId) {
    try {
      String key = MemoryRules.sourceKey(provider, externalId);
      Optional<StoredMemory> found = memories.findBySource(key);
      if (found.isEmpty()) {
        found = memories.scanMessagesBySource(key);
      }
      return found.map(row -> new SourceMatch(row.id(), row.deleted()));
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    }
  }

  /**
   * Hands every live memory, messages included, to {@code sink} in storage order (a
   * conversation before its messages), each with its full history, oldest revision first.
   */
  public synchronized void exportAll(Consumer<List<Memory>> sink) {
    try {
      long after = 0;
      while (true) {
        List<StoredMemory> page = memories.page(after, 500);
        if (page.isEmpty()) {
          return;
        }
        for (StoredMemory row : page) {
          Scope scope = openScopes.byId(row.scopeId());
          List<Memory> revisions = new ArrayList<>();
          for (MemoryRows.Revision revision : memories.history(row.id())) {
            revisions.add(decrypt(scope, row.id(), revision.revision(), revision.envelope()));
          }
          revisions.add(decrypt(row));
          sink.accept(revisions);
          after = row.seq();
        }
      }
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    }
  }

  /** {@link Writes} inside the transaction that {@link #write} opened. */
  private final class TransactionWrites implements Writes {
    @Override
    public Memory add(Memory draft) {
      return unchecked(() -> insert(draft));
    }

    @Override
    public Memory update(String id, Consumer<Memory.Builder> change) {
      return unchecked(() -> replace(id, change));
    }

    @Override
    public Optional<SourceMatch> findBySource(String provider, String externalId) {
      return unchecked(
          () ->
              memories
                  .findBySource(MemoryRules.sourceKey(provider, externalId))
                  .map(row -> new SourceMatch(row.id(), row.deleted())));
    }

    @Override
    public Optional<SourceMatch> findMessageBySource(
        String conversationId, String provider, String externalId) {
      return unchecked(
          () ->
              memories
                  .findMessageBySource(
                      MemoryRules.canonicalId(conversationId),
                      MemoryRules.sourceKey(provider, externalId))
                  .map(row -> new SourceMatch(row.id(), row.deleted())));
    }

    @Override
    public boolean restore(List<Memory> revisions) {
      return unchecked(() -> restoreHistory(revisions));
    }

    @Override
    public Memory get(String id) {
      return unchecked(() -> decrypt(liveRow(id)));
    }

    @Override
    public List<Memory> messages(String conversationId) {
      return unchecked(() -> liveMessages(conversationId));
    }

    @Override
    public <T> T attempt(java.util.function.Function<Writes, T> work) {
      Scopes before = openScopes.snapshot();
      MemoryRows.IndexMark heldIndexWrites = memories.markIndexWrites();
      java.sql.Savepoint savepoint = unchecked(connection::setSavepoint);
      try {
        T result = work.apply(this);
        unchecked(() -> {
          connection.releaseSavepoint(savepoint);
          return null;
        });
        return result;
      } catch (RuntimeException e) {
        unchecked(() -> {
          connection.rollback(savepoint);
          connection.releaseSavepoint(savepoint);
          return null;
        });
        // Nor do the undone work's search index writes, held back until the commit.
        memories.rollbackIndexWrites(heldIndexWrites);
        // A scope created inside the undone work does not exist after it.
        openScopes.restore(before);
        throw e;
      }
    }
  }

  /** Rethrows checked failures unchanged past a functional interface; inTransaction unwraps. */
  private static <T> T unchecked(Work<T> work) {
    try {
      return work.run();
    } catch (SQLException | GeneralSecurityException e) {
      throw new WrappedFailure(e);
    }
  }

  private static final class WrappedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrappedFailure(Exception cause) {
      super(cause);
    }
  }

  // ---------------------------------------------------------------- backup

  /**
   * Writes one encrypted, self-contained backup of this vault to {@code file}: the header (with
   * the keys wrapped by passphrase and recovery key) and every scope keyset, memory and revision,
   * authenticated as a whole. Written to a temporary file and renamed, so {@code file} is either
   * a complete backup or untouched.
   */
  public synchronized void backup(Path file) {
    backup(file, BackupOptions.defaults());
  }

  /** As {@link #backup(Path)}, replacing an existing file or reporting progress as asked. */
  public synchronized void backup(Path file, BackupOptions options) {
    try {
      VaultBackup.write(connection, VaultKeys.readHeader(directory), rootKey, file, options);
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    } catch (IOException e) {
      throw new VaultException("cannot write the backup " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Restores a backup into {@code directory}, which must not hold a vault, unlocking it with the
   * passphrase that was current when the backup was made. Verifies the whole backup before
   * writing anything; a tampered or truncated backup restores nothing.
   */
  public static Vault restore(Path backupFile, Path directory, char[] passphrase) {
    return restore(backupFile, directory, passphrase, RebuildProgress.NONE);
  }

  /** As {@link #restore(Path, Path, char[])}, telling {@code progress} of the index rebuild. */
  public static Vault restore(
      Path backupFile, Path directory, char[] passphrase, RebuildProgress progress) {
    VaultHeader header = VaultRestore.readBackupHeader(backupFile);
    RootKey root = VaultKeys.unwrapRootByPassphrase(backupFile, header, passphrase);
    VaultHeader restored = VaultRestore.restoreInto(backupFile, header, root, directory);
    return openWithRoot(
        directory, restored, root, Clock.systemUTC(), new SecureRandom(), progress);
  }

  /** As {@link #restore}, unlocking with the recovery key and setting a new passphrase. */
  public static Vault restoreWithRecovery(
      Path backupFile, Path directory, String recoveryKeyText, char[] newPassphrase) {
    return restoreWithRecovery(
        backupFile, directory, recoveryKeyText, newPassphrase, RebuildProgress.NONE);
  }

  /** As {@link #restoreWithRecovery(Path, Path, String, char[])}, with rebuild progress. */
  public static Vault restoreWithRecovery(
      Path backupFile,
      Path directory,
      String recoveryKeyText,
      char[] newPassphrase,
      RebuildProgress progress) {
    VaultKeys.requirePassphrase(newPassphrase);
    VaultHeader header = VaultRestore.readBackupHeader(backupFile);
    RootKey root = VaultKeys.unwrapRootByRecovery(backupFile, header, recoveryKeyText);
    VaultHeader restored = VaultRestore.restoreInto(backupFile, header, root, directory);
    Vault vault =
        openWithRoot(
            directory, restored, root, Clock.systemUTC(), new SecureRandom(), progress);
    vault.changePassphrase(newPassphrase);
    return vault;
  }

  // ---------------------------------------------------------------- scopes and keys

  /**
   * Checks that {@code scope} is a valid scope name, for callers that want to refuse a bad name
   * before doing any work.
   *
   * @throws VaultException.InvalidInput saying what a scope name may be
   */
  public static void requireValidScopeName(String scope) {
    MemoryRules.requireScopeName(scope);
  }

  /**
   * Checks that the vault has a scope of each name.
   *
   * @throws VaultException.UnknownItem for the first name it lacks, listing the scopes it has
   */
  public synchronized void requireScopes(java.util.Collection<String> names) {
    names.forEach(openScopes::existing);
  }

  public synchronized List<ScopeSummary> scopes() {
    try {
      List<ScopeSummary> result = new ArrayList<>();
      for (ScopeRows.StoredScope stored : scopeRows.all()) {
        Scope scope = openScopes.byId(stored.scopeId());
        result.add(
            new ScopeSummary(
                stored.name(),
                memories.countLive(stored.scopeId()),
                scope.keyset().keyCount()));
      }
      return result;
    } catch (SQLException e) {
      throw databaseDamaged(directory.resolve(DATABASE_FILE));
    }
  }

  /**
   * Adds a new primary key to a scope's keyset: later writes use it, existing records still
   * decrypt under their own keys.
   */
  public synchronized void rotateScopeKey(String scopeName) {
    inTransaction(() -> {
      Scope scope = openScopes.existing(scopeName);
      ScopeKeyset rotated = scope.keyset().rotate();
      scopeRows.updateKeyset(scope.id(), rotated.encrypt(rootKey, vaultId, scope.id()));
      Scope next = new Scope(scope.id(), scope.name(), rotated);
      openScopes.put(next);
      // The new key must reach the other devices, or they could not read what is sealed under it.
      long stamp = nextHlc();
      syncRows.setScopeHlc(scope.id(), stamp);
      enqueueScope(next);
      return null;
    });
  }

  // ---------------------------------------------------------------- sync (docs/FORMAT.md, 14)

  /** The 16-byte vault id. */
  public byte[] vaultIdBytes() {
    return vaultId.clone();
  }

  /** The 16-byte id of this device. */
  public byte[] deviceIdBytes() {
    return deviceId.clone();
  }

  /** This device's Ed25519 signing key, made and stored (encrypted) on first use. */
  public synchronized DeviceSigningKey deviceSigningKey() {
    if (signingKey == null) {
      signingKey =
          inTransaction(() -> {
            Optional<byte[]> stored = syncRows.deviceKey(deviceId);
            if (stored.isPresent()) {
              return DeviceSigningKey.decrypt(stored.get(), rootKey, vaultId, deviceId);
            }
            DeviceSigningKey fresh = DeviceSigningKey.generate();
            syncRows.putDeviceKey(deviceId, fresh.encrypt(rootKey, vaultId, deviceId));
            return fresh;
          });
    }
    return signingKey;
  }

  /** The device chain head this device verified last; empty before it knows any chain. */
  public synchronized Optional<ChainHead> trustedChainHead() {
    return inTransaction(
        () -> Optional.ofNullable(ChainHead.decode(new MetaRows(connection).get(META_CHAIN_HEAD), deviceId)));
  }

  public synchronized void saveTrustedChainHead(ChainHead head) {
    inTransaction(() -> {
      new MetaRows(connection).put(META_CHAIN_HEAD, head.encode(deviceId));
      return null;
    });
  }

  /**
   * The first link of this vault's device chain by this device, for registering the vault with a
   * sync server. Made at creation; a vault made before device chains, or restored from a backup
   * as a new device, gets one now, without a recovery key (join --recovery then cannot find it).
   */
  public synchronized SignedDeviceLink genesisLink() {
    DeviceSigningKey key = deviceSigningKey();
    return inTransaction(() -> {
      MetaRows meta = new MetaRows(connection);
      byte[] stored = meta.get(META_GENESIS);
      if (stored != null) {
        // Another device's genesis (this is a restored copy) does not count; neither would a
        // damaged one, which the server or the chain check would refuse anyway.
        try {
          SignedDeviceLink genesis = SignedDeviceLink.parseFrom(stored);
          Optional<ByteString> by = DeviceLinks.addedDevice(genesis);
          if (by.isPresent() && Arrays.equals(by.get().toByteArray(), deviceId)) {
            return genesis;
          }
        } catch (InvalidProtocolBufferException damaged) {
          // made anew below
        }
      }
      SignedDeviceLink genesis =
          DeviceLinks.genesis(vaultId, deviceId, key, Optional.empty(), clock.millis());
      meta.put(META_GENESIS, genesis.toByteArray());
      meta.put(
          META_CHAIN_HEAD, new ChainHead(1, DeviceChain.linkHash(genesis)).encode(deviceId));
      return genesis;
    });
  }

  /** The root key wrapped by the recovery key, as the header keeps it (for other devices). */
  public byte[] rootKeyByRecovery() {
    return header.getRootKeyByRecovery().toByteArray();
  }

  /**
   * The vault root key itself, to seal for a new device of this vault (device linking). Whoever
   * holds it can read every memory: it must leave this method only encrypted to a device that
   * the user approved.
   */
  public RootKey rootKeyForNewDevice() {
    return rootKey;
  }

  /**
   * The oldest {@code limit} local changes not yet acknowledged by the sync server, with their
   * payloads read from where the vault keeps them. Queued revisions that were superseded since
   * (forgotten, or displaced by a revision that wins the merge) are dropped from the queue.
   */
  public synchronized List<OutboxEntry> pendingChanges(int limit) {
    return pendingChanges(0, limit);
  }

  /**
   * As {@link #pendingChanges(int)}, for the changes queued after outbox seq {@code afterSeq}: a
   * push that has batches on their way, not yet acknowledged, reads the next batch past them.
   */
  public synchronized List<OutboxEntry> pendingChanges(long afterSeq, int limit) {
    return inTransaction(() -> {
      List<OutboxEntry> ready = new ArrayList<>();
      List<Long> superseded = new ArrayList<>();
      long after = afterSeq;
      while (ready.size() < limit) {
        List<OutboxRow> rows = syncRows.pending(after, limit - ready.size());
        if (rows.isEmpty()) {
          break;
        }
        for (OutboxRow row : rows) {
          after = row.seq();
          Optional<byte[]> payload = payloadOf(row);
          if (payload.isPresent()) {
            ready.add(new OutboxEntry(row.seq(), row.changeId(), row.recordId(), payload.get()));
          } else {
            superseded.add(row.seq());
          }
        }
      }
      syncRows.removeSeqs(superseded);
      return ready;
    });
  }

  public synchronized long pendingChangeCount() {
    return inTransaction(syncRows::pendingCount);
  }

  /** Drops changes the sync server has acknowledged storing; call only after it did. */
  public synchronized void acknowledge(List<OutboxEntry> stored) {
    inTransaction(() -> {
      syncRows.remove(stored);
      return null;
    });
  }

  /** Where this device stands with its sync server, if it was ever given one. */
  public synchronized Optional<SyncCursor> syncCursor() {
    return inTransaction(syncRows::cursor);
  }

  /**
   * Stores a cursor as it is (the server identity pinned at first contact, or a new server URL,
   * which starts from the beginning of that server's log).
   */
  public synchronized void saveSyncCursor(SyncCursor cursor) {
    inTransaction(() -> {
      syncRows.putCursor(cursor);
      return null;
    });
  }

  /**
   * Applies changes pulled from the sync server and stores {@code advanced} as the new cursor, in
   * one transaction: all of them and the cursor, or nothing. The caller has verified the log chain
   * and each change's signature; this checks that every payload belongs to this vault, is by the
   * device that signed the change and is about the change's record, decrypts it, and merges it
   * (docs/FORMAT.md, section 14.2). Changes this device wrote are skipped. Applying a change
   * twice changes nothing.
   *
   * @throws VaultException.Corrupt (nothing applied) if a change fails any of these checks; the
   *     sync server or another device of the vault sent something this vault cannot accept
   */
  public synchronized ApplyReport applyRemote(List<RemoteChange> changes, SyncCursor advanced) {
    return inTransaction(() -> {
      int revisions = 0;
      int scopes = 0;
      int own = 0;
      for (RemoteChange change : changes) {
        if (Arrays.equals(change.deviceId(), deviceId)) {
          own++;
          continue;
        }
        SyncPayload payload;
        try {
          payload = SyncPayload.parseFrom(change.payload());
        } catch (InvalidProtocolBufferException e) {
          throw refusedChange("is not a memvault change");
        }
        switch (payload.getContentCase()) {
          case SCOPE -> {
            applyScope(payload.getScope(), change);
            scopes++;
          }
          case REVISION -> {
            applyRevision(payload.getRevision(), change);
            revisions++;
          }
          default -> throw refusedChange("holds neither a revision nor a scope");
        }
      }
      syncRows.putCursor(advanced);
      return new ApplyReport(revisions, scopes, own);
    });
  }

  private void applyScope(ScopeRecord record, RemoteChange change)
      throws SQLException, GeneralSecurityException {
    byte[] scopeId = record.getScopeId().toByteArray();
    if (scopeId.length != 16 || !Arrays.equals(scopeId, change.recordId())) {
      throw refusedChange("names a scope other than the one it is filed under");
    }
    String name;
    ScopeKeyset keyset;
    try {
      name = ScopeNames.open(rootKey, vaultId, scopeId, record.getEncryptedName().toByteArray());
      keyset =
          ScopeKeyset.decrypt(record.getEncryptedKeyset().toByteArray(), rootKey, vaultId, scopeId);
    } catch (GeneralSecurityException e) {
      throw refusedChange("holds a scope that does not decrypt under this vault's key");
    }
    if (!MemoryRules.SCOPE_NAME.matcher(name).matches()) {
      throw refusedChange("holds a scope that does not decrypt under this vault's key");
    }
    hlc.receive(record.getHlc());
    Scope known = openScopes.findById(scopeId);
    if (known == null) {
      if (openScopes.named(name) != null) {
        // Only a scope created before scope ids were derived from names (section 14.2) gets
        // here: an older device's random id and a newer device's derived id for one name.
        throw new VaultException(
            "scope '" + name + "' was created separately on this device and on another one"
                + " before they synced, and one of them is older than memvault's scope merging;"
                + " memvault cannot merge the two. Export the scope's memories on one device,"
                + " import them into a scope of another name, and sync again");
      }
      scopeRows.insert(
          new ScopeRows.StoredScope(
              scopeId, name, keyset.encrypt(rootKey, vaultId, scopeId), clock.millis()));
      syncRows.setScopeHlc(scopeId, record.getHlc());
      openScopes.put(new Scope(scopeId, name, keyset));
      return;
    }
    long localHlc = syncRows.scopeHlc(scopeId);
    boolean remotePrimary = Long.compareUnsigned(record.getHlc(), localHlc) > 0;
    ScopeKeyset merged = known.keyset().mergedWith(keyset, remotePrimary);
    if (!merged.sameKeysAs(known.keyset())) {
      scopeRows.updateKeyset(scopeId, merged.encrypt(rootKey, vaultId, scopeId));
      openScopes.put(new Scope(scopeId, known.name(), merged));
    }
    if (remotePrimary) {
      syncRows.setScopeHlc(scopeId, record.getHlc());
    }
  }

  private void applyRevision(RecordEnvelope envelope, RemoteChange change)
      throws SQLException, GeneralSecurityException {
    if (!Arrays.equals(envelope.getVaultId().toByteArray(), vaultId)) {
      throw refusedChange("belongs to another vault");
    }
    if (!Arrays.equals(envelope.getAuthorDeviceId().toByteArray(), change.deviceId())) {
      throw refusedChange("claims an author other than the device that signed it");
    }
    if (!Arrays.equals(envelope.getRecordId().toByteArray(), change.recordId())
        || envelope.getRecordId().size() != 16) {
      throw refusedChange("is about a record other than the one it is filed under");
    }
    Scope scope = openScopes.findById(envelope.getScopeId().toByteArray());
    if (scope == null) {
      // A device pushes a scope before anything in it, so only a server that withholds or
      // reorders changes gets here.
      throw refusedChange("is in a scope this device has not received");
    }
    java.nio.ByteBuffer idBytes = envelope.getRecordId().asReadOnlyByteBuffer();
    String id = new UUID(idBytes.getLong(), idBytes.getLong()).toString();
    byte[] envelopeBytes = envelope.toByteArray();
    Memory remote;
    try {
      remote = decrypt(scope, id, envelope.getRevision(), envelope);
      if (!remote.getDeleted()) {
        MemoryRules.validate(remote);
      }
    } catch (VaultException e) {
      throw refusedChange("does not decrypt or is not a valid memory (" + id + ")");
    }
    hlc.receive(remote.getHlc());
    Optional<StoredMemory> existing = memories.find(id);
    if (existing.isEmpty()) {
      String conversationId =
          remote.getKind() == Kind.MESSAGE ? remote.getMessage().getConversationId() : null;
      StoredMemory inserted =
          new StoredMemory(
              0,
              id,
              scope.id(),
              remote.getKindValue(),
              conversationId,
              millis(remote.getCreatedAt()),
              millis(remote.getUpdatedAt()),
              remote.getRevision(),
              false,
              envelopeBytes,
              MemoryRules.sourceKey(remote));
      MemoryRows.IndexedText indexed = indexed(remote);
      long seq = memories.insert(inserted, indexed);
      if (remote.getDeleted()) {
        memories.tombstone(
            withSeq(inserted, seq),
            Optional.of(indexed),
            remote.getRevision(),
            millis(remote.getUpdatedAt()),
            envelopeBytes);
        syncRows.setPurgeHlc(id, remote.getHlc());
      }
      return;
    }
    StoredMemory row = existing.get();
    if (!Arrays.equals(row.scopeId(), scope.id())) {
      throw refusedChange("moves memory " + id + " to another scope");
    }
    Memory current = decrypt(row);
    byte[] currentAuthor = parseEnvelope(id, row.envelope()).getAuthorDeviceId().toByteArray();
    int order = compareMergeKeys(remote, change.deviceId(), current, currentAuthor);
    if (order == 0) {
      return;
    }
    long purge = syncRows.purgeHlc(id);
    if (current.getDeleted()) {
      // A current tombstone purges too, also on a restored device, whose purge marks the backup
      // did not carry.
      purge = maxUnsigned(purge, current.getHlc());
    }
    if (order > 0) {
      if (remote.getDeleted()) {
        // The newest revision is a tombstone: everything before it goes.
        memories.tombstone(
            row,
            indexedIfLive(current),
            remote.getRevision(),
            millis(remote.getUpdatedAt()),
            envelopeBytes);
        syncRows.setPurgeHlc(id, maxUnsigned(purge, remote.getHlc()));
        return;
      }
      if (!current.getDeleted() && Long.compareUnsigned(current.getHlc(), purge) > 0) {
        // The old current had the greatest key so far: it wins its history slot.
        memories.putRevision(id, current.getRevision(), row.envelope());
      }
      memories.setCurrentLive(
          row,
          indexedIfLive(current),
          remote.getRevision(),
          millis(remote.getUpdatedAt()),
          envelopeBytes,
          indexed(remote));
      return;
    }
    if (remote.getDeleted()) {
      long newPurge = maxUnsigned(purge, remote.getHlc());
      syncRows.setPurgeHlc(id, newPurge);
      for (MemoryRows.Revision kept : memories.history(id)) {
        Memory old = decrypt(scope, id, kept.revision(), kept.envelope());
        if (Long.compareUnsigned(old.getHlc(), newPurge) <= 0) {
          memories.deleteRevision(id, kept.revision());
        }
      }
      return;
    }
    if (Long.compareUnsigned(remote.getHlc(), purge) <= 0) {
      return;
    }
    Optional<byte[]> occupant = memories.revision(id, remote.getRevision());
    if (occupant.isPresent()) {
      Memory other = decrypt(scope, id, remote.getRevision(), occupant.get());
      byte[] otherAuthor = parseEnvelope(id, occupant.get()).getAuthorDeviceId().toByteArray();
      if (compareMergeKeys(remote, change.deviceId(), other, otherAuthor) <= 0) {
        return;
      }
    }
    memories.putRevision(id, remote.getRevision(), envelopeBytes);
  }

  /** Orders revisions by (hlc, author device id), both unsigned (docs/FORMAT.md, 14.2). */
  private static int compareMergeKeys(Memory a, byte[] authorA, Memory b, byte[] authorB) {
    int byClock = Long.compareUnsigned(a.getHlc(), b.getHlc());
    return byClock != 0 ? byClock : Arrays.compareUnsigned(authorA, authorB);
  }

  private static long maxUnsigned(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }

  private static StoredMemory withSeq(StoredMemory row, long seq) {
    return new StoredMemory(
        seq,
        row.id(),
        row.scopeId(),
        row.kind(),
        row.conversationId(),
        row.createdAtMillis(),
        row.updatedAtMillis(),
        row.revision(),
        row.deleted(),
        row.envelope(),
        row.sourceKey());
  }

  private static VaultException refusedChange(String what) {
    return new VaultException.Corrupt(
        "a change from the sync server " + what + "; refusing it and everything after it"
            + " (nothing of this pull was applied)");
  }

  /** The next clock value; {@link #inTransaction} persists the clock once, before it commits. */
  private long nextHlc() {
    return hlc.tick();
  }

  /**
   * Queues a revision for pushing by reference to where it is stored (its envelope is not copied:
   * it is read back at push time, see {@link #pendingChanges}).
   */
  private void enqueueRevision(RecordEnvelope envelope) throws SQLException {
    byte[] recordId = envelope.getRecordId().toByteArray();
    java.nio.ByteBuffer idBytes = java.nio.ByteBuffer.wrap(recordId);
    String memoryId = new UUID(idBytes.getLong(), idBytes.getLong()).toString();
    enqueueRevision(recordId, memoryId, envelope.getRevision(), envelope.toByteArray());
  }

  private void enqueueRevision(byte[] recordId, String memoryId, long revision, byte[] envelope)
      throws SQLException {
    syncRows.enqueueRevision(
        changeIds.next(), recordId, memoryId, revision, envelopeHash(envelope));
  }

  /** SQLite's constraint error (19) on the memories.id uniqueness, and no other. */
  private static boolean isUniqueViolation(SQLException e) {
    return e.getErrorCode() == 19
        && e.getMessage() != null
        && e.getMessage().contains("UNIQUE constraint failed: memories.id");
  }

  /** Queues a scope for pushing; its name and keyset as they are then go out (pendingChanges). */
  private void enqueueScope(Scope scope) throws SQLException {
    syncRows.enqueueScope(changeIds.next(), scope.id());
  }

  /** The payload an outbox row stands for, or empty if what it refers to was superseded. */
  private Optional<byte[]> payloadOf(OutboxRow row) throws SQLException, GeneralSecurityException {
    if (row.holdsPayload()) {
      return Optional.of(row.payload());
    }
    if (row.isRevision()) {
      Optional<byte[]> envelope = memories.envelopeAt(row.memoryId(), row.revision());
      if (envelope.isEmpty()
          || !MessageDigest.isEqual(envelopeHash(envelope.get()), row.envelopeHash())) {
        // Forgotten, purged by a tombstone, or displaced from its slot by a revision that wins
        // the merge: every replica would discard it on arrival, so it need not go out.
        return Optional.empty();
      }
      RecordEnvelope parsed = parseEnvelope(row.memoryId(), envelope.get());
      return Optional.of(SyncPayload.newBuilder().setRevision(parsed).build().toByteArray());
    }
    Scope scope = openScopes.findById(row.recordId());
    if (scope == null) {
      return Optional.empty();
    }
    ScopeRecord record =
        ScopeRecord.newBuilder()
            .setScopeId(ByteString.copyFrom(scope.id()))
            .setEncryptedName(
                ByteString.copyFrom(ScopeNames.seal(rootKey, vaultId, scope.id(), scope.name())))
            .setEncryptedKeyset(
                ByteString.copyFrom(scope.keyset().encrypt(rootKey, vaultId, scope.id())))
            .setHlc(syncRows.scopeHlc(scope.id()))
            .build();
    return Optional.of(SyncPayload.newBuilder().setScope(record).build().toByteArray());
  }

  /** SHA-256 of an envelope, cut to 16 bytes: enough to tell whether a slot still holds it. */
  private static byte[] envelopeHash(byte[] envelope) {
    try {
      return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(envelope), 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** The 16-byte vault id, as lowercase hex. */
  public String vaultIdHex() {
    return HexFormat.of().formatHex(vaultId);
  }

  /** The 16-byte id of this device, as lowercase hex. */
  public String deviceIdHex() {
    return HexFormat.of().formatHex(deviceId);
  }

  /** The Argon2id parameters the header holds now. */
  public KdfParameters kdfParameters() {
    try {
      return KdfParameters.fromProto(header.getKdf());
    } catch (KdfParameters.WeakParametersException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly(connection);
  }

  @Override
  public String toString() {
    return "Vault[" + directory + "]";
  }

  // ---------------------------------------------------------------- internals

  /**
   * A new memory with its id, times and clock set, its scope found and its search text taken:
   * ready to seal.
   */
  private record NewMemory(Memory memory, Scope scope, MemoryRows.IndexedText indexed) {}

  /** A new memory sealed: ready to write. */
  private record SealedMemory(
      NewMemory ready, byte[] recordId, byte[] envelope, byte[] envelopeHash) {
    Memory memory() {
      return ready.memory();
    }
  }

  /** Puts a new memory's row in (with whatever seq and index writes go with it). */
  private interface RowInsert {
    void run() throws SQLException;
  }

  private Memory insert(Memory draft) throws SQLException, GeneralSecurityException {
    SealedMemory sealed = seal(prepareNew(draft));
    return write(sealed, () -> memories.insert(stored(sealed), sealed.ready().indexed()));
  }

  /** Everything about a new memory that must happen in order and inside the transaction. */
  private NewMemory prepareNew(Memory draft) throws SQLException, GeneralSecurityException {
    Instant now = clock.instant();
    Memory.Builder builder = draft.toBuilder().setRevision(1);
    if (builder.getId().isEmpty()) {
      builder.setId(ids.next().toString());
    } else {
      // Uniqueness is checked by the insert itself (memories.id is UNIQUE), not by a lookup
      // before it: a bulk import gives every memory an id and pays for each lookup.
      builder.setId(MemoryRules.canonicalId(builder.getId()));
    }
    if (builder.getKind() == Kind.MESSAGE && !builder.getMessage().getConversationId().isEmpty()) {
      // Conversation ids are matched as text (search, forget): one spelling per id, or a
      // forgotten conversation would miss messages that name it in upper case.
      builder
          .getMessageBuilder()
          .setConversationId(MemoryRules.canonicalId(builder.getMessage().getConversationId()));
    }
    if (!builder.hasCreatedAt()) {
      builder.setCreatedAt(timestamp(now));
    }
    if (!builder.hasUpdatedAt()) {
      builder.setUpdatedAt(builder.getCreatedAt());
    }
    builder.setHlc(nextHlc());
    Memory memory = builder.build();
    MemoryRules.validate(memory);
    return new NewMemory(memory, scopeFor(memory.getScope()), indexed(memory));
  }

  /** The CPU work for a new memory: touches neither the database nor the vault's state. */
  private SealedMemory seal(NewMemory ready) throws GeneralSecurityException {
    RecordEnvelope envelope = seal(ready.scope(), ready.memory());
    byte[] envelopeBytes = envelope.toByteArray();
    return new SealedMemory(
        ready, envelope.getRecordId().toByteArray(), envelopeBytes, envelopeHash(envelopeBytes));
  }

  private static StoredMemory stored(SealedMemory sealed) {
    Memory memory = sealed.memory();
    return new StoredMemory(
        0,
        memory.getId(),
        sealed.ready().scope().id(),
        memory.getKindValue(),
        memory.getKind() == Kind.MESSAGE ? memory.getMessage().getConversationId() : null,
        millis(memory.getCreatedAt()),
        millis(memory.getUpdatedAt()),
        memory.getRevision(),
        false,
        sealed.envelope(),
        MemoryRules.sourceKey(memory));
  }

  /** Writes a new memory's row by {@code insert}, then queues it for sync. */
  private Memory write(SealedMemory sealed, RowInsert insert) throws SQLException {
    Memory memory = sealed.memory();
    try {
      insert.run();
    } catch (SQLException e) {
      if (isUniqueViolation(e)) {
        // Only the statement failed; the transaction goes on as if nothing was tried.
        throw new VaultException.InvalidInput("a memory with id " + memory.getId() + " exists");
      }
      throw e;
    }
    syncRows.enqueueRevision(
        changeIds.next(), sealed.recordId(), memory.getId(), 1, sealed.envelopeHash());
    return memory;
  }

  private boolean restoreHistory(List<Memory> revisions)
      throws SQLException, GeneralSecurityException {
    if (revisions.isEmpty()) {
      throw new VaultException.InvalidInput("a memory to restore has no revisions");
    }
    Memory current = revisions.get(revisions.size() - 1);
    String id = MemoryRules.canonicalId(current.getId());
    if (!id.equals(current.getId())) {
      // Envelopes bind the id as stored; a non-canonical spelling would seal an unreadable record.
      throw new VaultException.InvalidInput(
          "memory id '" + current.getId() + "' is not in canonical form (" + id + ")");
    }
    if (memories.find(id).isPresent()) {
      return false;
    }
    if (current.getKind() == Kind.MESSAGE) {
      String conversationId = current.getMessage().getConversationId();
      Optional<StoredMemory> conversation = memories.find(conversationId);
      if (conversation.isEmpty() || conversation.get().kind() != Kind.CONVERSATION_VALUE) {
        throw new VaultException.InvalidInput(
            "message " + id + " belongs to conversation " + conversationId
                + ", which is not in the vault");
      }
    }
    long previousRevision = 0;
    for (Memory revision : revisions) {
      if (!revision.getId().equals(current.getId())
          || !revision.getScope().equals(current.getScope())
          || revision.getKind() != current.getKind()
          || revision.getRevision() <= previousRevision
          || revision.getDeleted()) {
        throw new VaultException.InvalidInput(
            "the revisions of memory " + id + " are inconsistent (ids, scope, kind or order)");
      }
      MemoryRules.validate(revision);
      previousRevision = revision.getRevision();
    }
    Scope scope = scopeFor(current.getScope());
    String conversationId =
        current.getKind() == Kind.MESSAGE ? current.getMessage().getConversationId() : null;
    RecordEnvelope currentEnvelope = seal(scope, current);
    memories.insert(
        new StoredMemory(
            0,
            id,
            scope.id(),
            current.getKindValue(),
            conversationId,
            millis(current.getCreatedAt()),
            millis(current.getUpdatedAt()),
            current.getRevision(),
            false,
            currentEnvelope.toByteArray(),
            MemoryRules.sourceKey(current)),
        indexed(current));
    // Only the current revision is pushed: the earlier ones stay on this device, as other
    // devices keep only what reached them through sync (docs/FORMAT.md, section 14).
    enqueueRevision(currentEnvelope);
    for (Memory earlier : revisions.subList(0, revisions.size() - 1)) {
      memories.insertRevision(id, earlier.getRevision(), seal(scope, earlier).toByteArray());
    }
    return true;
  }

  private void tombstone(StoredMemory row) throws SQLException, GeneralSecurityException {
    Memory current = decrypt(row);
    Instant now = clock.instant();
    Memory tombstone =
        Memory.newBuilder()
            .setId(current.getId())
            .setScope(current.getScope())
            .setKindValue(current.getKindValue())
            .setCreatedAt(current.getCreatedAt())
            .setUpdatedAt(timestamp(now))
            .setRevision(current.getRevision() + 1)
            .setDeleted(true)
            .setHlc(nextHlc())
            // The provider id stays, so that no device re-imports what was forgotten.
            .setSource(
                dev.memvault.proto.v1.Source.newBuilder()
                    .setProvider(current.getSource().getProvider())
                    .setExternalId(current.getSource().getExternalId()))
            .build();
    Scope scope = openScopes.byId(row.scopeId());
    RecordEnvelope sealed = seal(scope, tombstone);
    memories.tombstone(
        row, Optional.of(indexed(current)), tombstone.getRevision(), now.toEpochMilli(),
        sealed.toByteArray());
    syncRows.setPurgeHlc(row.id(), tombstone.getHlc());
    enqueueRevision(sealed);
  }

  private RecordEnvelope seal(Scope scope, Memory memory) throws GeneralSecurityException {
    RecordAddress address =
        new RecordAddress(
            vaultId,
            scope.id(),
            Uuid7.toBytes(UUID.fromString(memory.getId())),
            memory.getRevision(),
            deviceId);
    return RecordCipher.seal(scope.keyset().aead(), address, memory.toByteArray());
  }

  private Memory decrypt(StoredMemory row) {
    // The envelope's scope id is checked against the row's scope inside: a row moved to another
    // scope's rows fails there.
    return decrypt(openScopes.byId(row.scopeId()), row.id(), row.revision(), row.envelope());
  }

  private Memory decrypt(Scope scope, String id, long revision, byte[] envelopeBytes) {
    return decrypt(scope, id, revision, parseEnvelope(id, envelopeBytes));
  }

  private Memory decrypt(Scope scope, String id, long revision, RecordEnvelope envelope) {
    if (!Arrays.equals(scope.id(), envelope.getScopeId().toByteArray())) {
      throw tampered(id);
    }
    try {
      byte[] plain =
          RecordCipher.open(
              scope.keyset().aead(),
              envelope,
              vaultId,
              Uuid7.toBytes(UUID.fromString(id)),
              revision);
      Memory memory = Memory.parseFrom(plain);
      if (!memory.getId().equals(id)
          || memory.getRevision() != revision
          || !memory.getScope().equals(scope.name())) {
        throw tampered(id);
      }
      return memory;
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw tampered(id);
    }
  }

  private static RecordEnvelope parseEnvelope(String id, byte[] bytes) {
    try {
      return RecordEnvelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw tampered(id);
    }
  }

  private static VaultException tampered(String id) {
    return new VaultException.Corrupt(
        "memory " + id + " fails its integrity check: the vault database was altered or damaged;"
            + " restore it from a backup");
  }

  private StoredMemory liveRow(String id) throws SQLException {
    String canonical;
    try {
      canonical = MemoryRules.canonicalId(id);
    } catch (VaultException.InvalidInput e) {
      throw new VaultException.UnknownItem("no memory with id '" + id + "'");
    }
    Optional<StoredMemory> row = memories.find(canonical);
    if (row.isEmpty()) {
      throw new VaultException.UnknownItem("no memory with id " + canonical);
    }
    if (row.get().deleted()) {
      throw new VaultException.UnknownItem("memory " + canonical + " was forgotten");
    }
    return row.get();
  }

  private MemoryFilter filter(Selection selection) {
    MemoryFilter filter = MemoryFilter.all().withLimit(selection.limit());
    if (selection.scope().isPresent()) {
      filter = filter.withScopeId(openScopes.existing(selection.scope().get()).id());
    }
    if (selection.kind().isPresent()) {
      filter = filter.withKind(selection.kind().get().getNumber());
    }
    if (selection.tag().isPresent()) {
      filter = filter.withTag(selection.tag().get());
    }
    if (selection.createdFrom().isPresent()) {
      filter = filter.withCreatedFrom(selection.createdFrom().get().toEpochMilli());
    }
    if (selection.createdBefore().isPresent()) {
      filter = filter.withCreatedBefore(selection.createdBefore().get().toEpochMilli());
    }
    return filter;
  }


  private Scope scopeFor(String name) throws SQLException, GeneralSecurityException {
    Scope existing = openScopes.named(name);
    if (existing != null) {
      return existing;
    }
    // Derived from the name, so that the same scope created on two devices before they sync is
    // one scope whose keysets merge (docs/FORMAT.md, section 14.2).
    byte[] id = ScopeIds.derive(rootKey, vaultId, name);
    ScopeKeyset keyset = ScopeKeyset.generate();
    scopeRows.insert(
        new ScopeRows.StoredScope(
            id, name, keyset.encrypt(rootKey, vaultId, id), clock.millis()));
    Scope scope = new Scope(id, name, keyset);
    openScopes.put(scope);
    long stamp = nextHlc();
    syncRows.setScopeHlc(id, stamp);
    enqueueScope(scope);
    return scope;
  }



  /** A unit of work inside one transaction. */
  private interface Work<T> {
    T run() throws SQLException, GeneralSecurityException;
  }

  private <T> T inTransaction(Work<T> work) {
    Scopes before = openScopes.snapshot();
    try {
      connection.setAutoCommit(false);
      T result = work.run();
      memories.flushIndexWrites();
      // The clock is stored with the writes that used it, once per transaction rather than once
      // per write, so that it never goes backwards across a restart.
      if (hlc.last() != persistedHlc) {
        syncRows.putHlc(hlc.last());
      }
      connection.commit();
      persistedHlc = hlc.last();
      return result;
    } catch (SQLException | GeneralSecurityException | RuntimeException thrown) {
      Throwable e = thrown instanceof WrappedFailure ? thrown.getCause() : thrown;
      rollback();
      memories.discardIndexWrites();
      // A scope created inside the failed transaction does not exist after it.
      openScopes.restore(before);
      if (e instanceof VaultException vaultException) {
        throw vaultException;
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e instanceof GeneralSecurityException) {
        throw new IllegalStateException("encryption failed", e);
      }
      throw new VaultException(
          "the vault database could not be written (" + e.getMessage() + "); nothing was changed",
          e);
    } finally {
      try {
        connection.setAutoCommit(true);
      } catch (SQLException ignored) {
        // The connection is unusable; the next call reports it.
      }
    }
  }

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // Nothing was committed; SQLite discards an open transaction when the connection closes.
    }
  }

  private static VaultException databaseDamaged(Path database) {
    return new VaultException.Corrupt(
        "the vault database " + database + " is damaged or was altered; restore it from a backup");
  }


  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  static long millis(Timestamp timestamp) {
    return timestamp.getSeconds() * 1000 + timestamp.getNanos() / 1_000_000;
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing a damaged or already closed database has nothing left to report.
    }
  }
}
