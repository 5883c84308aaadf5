package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import dev.memvault.core.backup.BackupOptions;
import dev.memvault.core.internal.backup.VaultBackup;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.meaning.MeaningIndexProgress;
import dev.memvault.core.meaning.MeaningIndexStatus;
import dev.memvault.core.meaning.TextEmbedder;
import dev.memvault.core.sync.RecoverySigningKey;
import dev.memvault.core.sync.Replica;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.VaultHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An open local vault: one person's memories, encrypted per scope, in a SQLCipher database.
 *
 * <p>Key hierarchy: the passphrase (Argon2id) and the recovery key each wrap the random root key;
 * the root key wraps each scope's Tink keyset and the database key. Every memory revision is sealed
 * into a record envelope under its scope's keyset; the envelope is stored, and is what sync
 * carries. Every write is one SQLite transaction with synchronous=FULL: once a method returns, the
 * write survives a crash.
 *
 * <p>This class is the facade: each method is one unit of work of a part with one job ({@link
 * Unlock}, {@link MemoryWrites}, {@link MemoryReads}, {@link MemorySearch}, {@link ScopeCatalog},
 * {@link Outbox}, {@link RemoteChanges} with {@link MergeRule}, {@link DeviceIdentity}).
 * Thread-safe: methods are serialized on the instance.
 */
public final class Vault implements VaultTransactions, VaultExport, AutoCloseable {
  public static final int FORMAT_VERSION = 1;
  public static final String DATABASE_FILE = "vault.db";
  public static final int MAX_TEXT_CHARS = 4 * 1024 * 1024;

  private final Path directory;

  /** The header as last read or written; changePassphrase replaces it. */
  private volatile VaultHeader header;

  private final RootKey rootKey;
  private final SecureRandom random;
  private volatile Optional<String> openNotice = Optional.empty();
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final MemoryRows memories;
  private final Transactor transactor;
  private final ScopeCatalog scopes;
  private final MemoryReads reads;
  private final MemoryWrites writes;
  private final MemorySearch search;
  private final MeaningSearch meaning;
  private final MeaningIndexing meaningIndexing;
  private final SearchIndexRebuild searchIndexRebuild;
  private final VaultReplica replica;

  Vault(
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
    this.random = random;
    this.vaultId = header.getVaultId().toByteArray();
    this.deviceId = header.getDeviceId().toByteArray();
    VaultParts parts =
        VaultParts.wire(
            this,
            directory.resolve(DATABASE_FILE),
            rootKey,
            () -> this.header.getRootKeyByRecovery().toByteArray(),
            vaultId,
            deviceId,
            connection,
            clock,
            random);
    this.memories = parts.memories();
    this.transactor = parts.transactor();
    this.scopes = parts.scopes();
    this.reads = parts.reads();
    this.writes = parts.writes();
    this.search = parts.search();
    this.meaning = parts.meaning();
    this.meaningIndexing = parts.meaningIndexing();
    this.searchIndexRebuild = parts.searchIndexRebuild();
    this.replica = parts.replica();
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

  void rebuildSearchIndexIfStale(RebuildProgress progress) throws SQLException {
    searchIndexRebuild.runIfStale(progress);
  }

  public static CreatedVault create(Path directory, char[] passphrase) {
    return create(directory, passphrase, Clock.systemUTC(), new SecureRandom());
  }

  /**
   * Creates a vault in {@code directory} (made if missing). Refuses, touching nothing, if a vault
   * or any part of one is already there. The vault's device chain starts here: its first link, this
   * device adding itself, is signed by this device and by the recovery key (which is shown once and
   * never stored), and is sent to the sync server at the first sync.
   */
  public static CreatedVault create(
      Path directory, char[] passphrase, Clock clock, SecureRandom random) {
    return Unlock.create(directory, passphrase, clock, random);
  }

  /**
   * Creates a new device of an existing vault in {@code directory}, with the keys and the device
   * chain head that another device of the vault (device linking) or the recovery key (join
   * --recovery) provided, and its own passphrase. It holds no memories until it syncs.
   */
  public static Vault createJoined(Path directory, char[] passphrase, JoiningDevice device) {
    VaultKeys.requirePassphrase(passphrase);
    return Unlock.createDevice(
        directory, passphrase, Clock.systemUTC(), new SecureRandom(), device, Optional.empty());
  }

  public static Vault open(Path directory, char[] passphrase) {
    return open(directory, passphrase, Clock.systemUTC(), new SecureRandom());
  }

  /** As {@link #open(Path, char[])}, telling {@code progress} of a search index rebuild. */
  public static Vault open(Path directory, char[] passphrase, RebuildProgress progress) {
    return Unlock.withPassphrase(
        directory, passphrase, Clock.systemUTC(), new SecureRandom(), progress);
  }

  /**
   * Opens a vault with its passphrase.
   *
   * @throws VaultException.WrongKey if the passphrase is wrong
   * @throws VaultException.NotFound if there is no vault
   * @throws VaultException.Corrupt if the header or database fails an integrity check
   */
  public static Vault open(Path directory, char[] passphrase, Clock clock, SecureRandom random) {
    return Unlock.withPassphrase(directory, passphrase, clock, random, RebuildProgress.NONE);
  }

  /**
   * Opens a vault with a {@link SessionKey} taken from it earlier ({@link #sessionKey()}), without
   * its passphrase.
   *
   * @throws VaultException.WrongKey if the key does not open the vault as it is now (rekeyed or
   *     replaced since); nothing is changed
   * @throws VaultException.NotFound if there is no vault
   */
  public static Vault openWithSessionKey(Path directory, SessionKey key, RebuildProgress progress) {
    return Unlock.withSessionKey(directory, key, Clock.systemUTC(), new SecureRandom(), progress);
  }

  /**
   * Opens a vault with its recovery key and sets a new passphrase; the old passphrase stops
   * working. The recovery key stays valid.
   *
   * @throws VaultException.WrongKey if the recovery key is mistyped or belongs to another vault
   */
  public static Vault recover(Path directory, String recoveryKeyText, char[] newPassphrase) {
    VaultKeys.requirePassphrase(newPassphrase);
    Vault vault =
        Unlock.withRecovery(directory, recoveryKeyText, Clock.systemUTC(), new SecureRandom());
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
   * Replaces the keys of the closed vault in {@code directory}: a new local root key, a new
   * database key (the database, search index included, is re-encrypted) and a new recovery key,
   * whose text is returned to be shown once. An old header or backup with the old passphrase, and
   * the old recovery key, open nothing written afterwards. The next sync publishes a new key epoch,
   * the new recovery key and this device's new encryption key. Safe against a kill at any point:
   * the vault opens afterwards, as it was or rekeyed.
   *
   * @throws VaultException.WrongKey if the passphrase is wrong (nothing is changed)
   */
  public static String rekey(Path directory, char[] passphrase, RekeyProgress progress) {
    return VaultRekey.run(
        directory, passphrase, new SecureRandom(), progress, VaultRekey.Hook.NONE);
  }

  static String rekeyStoppable(Path directory, char[] passphrase, VaultRekey.Hook hook) {
    return VaultRekey.run(directory, passphrase, new SecureRandom(), RekeyProgress.NONE, hook);
  }

  /**
   * What opening found and did that the person should know (an interrupted rekey completed or
   * discarded); empty as a rule.
   */
  public Optional<String> openNotice() {
    return openNotice;
  }

  void setOpenNotice(Optional<String> notice) {
    this.openNotice = notice;
  }

  /**
   * Follows a replacement of the vault's recovery key by another device's rekey: the header's
   * recovery wrap becomes the new recovery key's, when this device's local root key is the vault's
   * original root key (which the replacement wraps), or is dropped otherwise, so that the old
   * recovery key no longer opens this device's files. Unchanged if it is already so.
   */
  synchronized void followRecoveryReplacement(
      byte[] originalRootByRecovery, boolean localIsOriginal) {
    byte[] wanted = localIsOriginal ? originalRootByRecovery : new byte[0];
    VaultHeader current = VaultKeys.readHeader(directory);
    if (java.util.Arrays.equals(current.getRootKeyByRecovery().toByteArray(), wanted)) {
      return;
    }
    VaultHeader changed =
        HeaderIntegrity.seal(
            current.toBuilder()
                .setRootKeyByRecovery(com.google.protobuf.ByteString.copyFrom(wanted))
                .build(),
            rootKey);
    VaultHeaderFile.write(directory, changed);
    header = changed;
  }

  /**
   * A copy of what opens this vault without its passphrase, for a session agent that keeps it
   * unlocked for a while ({@link SessionKey}); the caller destroys it when done.
   */
  public SessionKey sessionKey() {
    return SessionKey.of(rootKey);
  }

  /**
   * Sets a new passphrase by re-wrapping the root key under a new Argon2id key with a fresh salt.
   * No memory is re-encrypted.
   */
  public synchronized void changePassphrase(char[] newPassphrase) {
    VaultHeader onDisk = VaultKeys.readHeader(directory);
    // Re-sealing a header nobody checked would bless whatever was written into it while the vault
    // was open (a recovery wrap swapped for an attacker's, say).
    if (!HeaderIntegrity.verify(onDisk, rootKey)) {
      throw new VaultException.Corrupt(
          VaultHeaderFile.path(directory)
              + " was altered while the vault was open; the passphrase was not changed."
              + " Restore the vault from a backup or recover it with the recovery key");
    }
    VaultHeader changed = Unlock.withNewPassphrase(onDisk, rootKey, vaultId, newPassphrase, random);
    VaultHeaderFile.write(directory, changed);
    header = changed;
  }

  /**
   * Adds a new memory. An empty id gets a fresh UUIDv7; missing timestamps get the current time;
   * the revision is 1. The scope is created on first use.
   */
  public synchronized Memory add(Memory draft) {
    return addAll(List.of(draft)).get(0);
  }

  /** Adds memories in one transaction: all of them, or none. */
  public synchronized List<Memory> addAll(List<Memory> drafts) {
    return transactor.inTransaction(() -> writes.addAll(drafts));
  }

  /**
   * Writes a new revision of a live memory. {@code change} edits a copy of the current revision;
   * the id, scope, kind and creation time cannot change. The previous revision stays in the
   * history.
   */
  public synchronized Memory update(String id, Consumer<Memory.Builder> change) {
    return transactor.inTransaction(() -> writes.update(id, change));
  }

  /**
   * Moves a memory to another scope or kind, in one transaction: a new memory (a new id) with the
   * same text, tags, attributes, source, links and creation time, and the old one forgotten with
   * its earlier revisions.
   *
   * @throws VaultException.InvalidInput for a conversation or message, or to one
   */
  public synchronized Memory move(String id, String scope, Kind kind) {
    return transactor.inTransaction(() -> writes.move(id, scope, kind));
  }

  /**
   * Forgets a memory: it leaves listings and search, its earlier revisions are deleted, and a
   * tombstone revision remains so that other devices learn of the deletion. Forgetting a
   * conversation forgets its messages too.
   */
  public synchronized void forget(String id) {
    transactor.inTransaction(
        () -> {
          writes.forget(id);
          return null;
        });
  }

  /** The current revision of a live memory. */
  /**
   * The full id of the memory whose id is {@code idOrPrefix} or starts with it (at least 4 hex
   * digits): what a person types to name a memory, as git takes an abbreviated commit.
   *
   * @throws VaultException.UnknownItem if no memory's id starts so
   * @throws VaultException.InvalidInput if more than one does
   */
  public synchronized String resolveId(String idOrPrefix) {
    return transactor.read(() -> reads.resolveId(idOrPrefix));
  }

  public synchronized Memory get(String id) {
    return transactor.read(() -> reads.get(id));
  }

  /** Every revision of a live memory, oldest first, the current one last. */
  public synchronized List<Memory> history(String id) {
    return transactor.read(() -> reads.history(id));
  }

  @Override
  public synchronized List<Memory> messages(String conversationId) {
    return transactor.read(() -> reads.messages(conversationId));
  }

  /** Live memories, most recently updated first. Messages only when the kind asks for them. */
  public synchronized List<Memory> list(Selection selection) {
    return transactor.read(() -> reads.list(selection));
  }

  /** How many memories {@link #list(Selection, long, Consumer)} reads and opens at a time. */
  static final int LIST_PAGE = 500;

  /**
   * Hands {@code sink} up to {@code limit} memories of {@code filters} (its own limit ignored), in
   * {@link #list(Selection)}'s order, a page at a time: any number, in memory for one page only.
   * Each page is read on its own, so a memory written meanwhile may be left out or, if updated,
   * seen where it stood; none is handed twice.
   */
  public void list(Selection filters, long limit, Consumer<Memory> sink) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    long handed = 0;
    long updatedAt = Long.MAX_VALUE;
    long seq = Long.MAX_VALUE;
    while (handed < limit) {
      Selection page = filters.limitedTo((int) Math.min(LIST_PAGE, limit - handed));
      long afterUpdatedAt = updatedAt;
      long afterSeq = seq;
      List<MemoryReads.Listed> listed;
      synchronized (this) {
        listed = transactor.read(() -> reads.listAfter(page, afterUpdatedAt, afterSeq));
      }
      for (MemoryReads.Listed memory : listed) {
        sink.accept(memory.memory());
        handed++;
        updatedAt = memory.updatedAtMillis();
        seq = memory.seq();
      }
      if (listed.size() < page.limit()) {
        return;
      }
    }
  }

  /**
   * Search, best match first. The query is taken as a person typed it (docs/SEARCH.md): words match
   * in any of their forms ("restaurant" finds "restaurants"), stop words are dropped, memories with
   * every word come first and then, while fewer than the limit, memories with some. Once the vault
   * is indexed for meaning ({@link #indexMeaning}) with the model attached ({@link #useEmbedder}),
   * memories near the query in meaning are ranked in too. A match in a conversation's message is
   * reported as the conversation, once.
   *
   * @throws VaultException.InvalidInput if the query has no searchable words, only stop words, or
   *     is longer than a search can be
   */
  public List<SearchResult> search(String query, Selection selection) {
    return searchReport(query, selection).results();
  }

  /** As {@link #search}, telling whether the results were ranked by meaning, and if not why. */
  public synchronized SearchReport searchReport(String query, Selection selection) {
    return transactor.read(() -> search.search(query, selection));
  }

  /**
   * Attaches the model that search by meaning and {@link #indexMeaning} use; null detaches it
   * (search by words only). Attaching costs nothing until a search or indexing needs the model.
   */
  public synchronized void useEmbedder(TextEmbedder embedder) {
    meaning.use(embedder);
  }

  /** How much of the vault the attached model has indexed. */
  public synchronized MeaningIndexStatus meaningIndexStatus() {
    TextEmbedder embedder = attachedEmbedder();
    String model = embedder.modelId();
    return transactor.read(
        () ->
            new MeaningIndexStatus(
                model, meaningIndexing.indexed(model), meaningIndexing.pending(model)));
  }

  /**
   * Gives every live memory without one a vector of the attached model, in batches: memories other
   * than messages first, then messages. Each batch is stored in its own transaction, so a run that
   * is stopped (the thread interrupted, or the process killed) keeps what it stored and the next
   * run goes on from there; the vault stays usable between batches, as the model runs outside its
   * lock. Vectors of another model are dropped once this one has made its first batch.
   *
   * @return memories given a vector by this run
   * @throws dev.memvault.core.meaning.MeaningUnavailable if the model cannot be loaded or run
   */
  public long indexMeaning(MeaningIndexProgress progress) {
    TextEmbedder embedder;
    String model;
    long total;
    synchronized (this) {
      embedder = attachedEmbedder();
      model = embedder.modelId();
      total = transactor.read(() -> meaningIndexing.pending(model));
    }
    long indexed = 0;
    boolean othersDropped = false;
    for (boolean messages : new boolean[] {false, true}) {
      long after = 0;
      while (!Thread.currentThread().isInterrupted()) {
        long from = after;
        MeaningIndexing.Batch batch;
        synchronized (this) {
          batch = transactor.read(() -> meaningIndexing.next(model, messages, from));
        }
        if (batch.isEmpty()) {
          break;
        }
        List<float[]> made = embedder.embed(batch.texts());
        // Only once this model has worked are the vectors of another one given up.
        boolean dropOthers = !othersDropped;
        synchronized (this) {
          try {
            indexed +=
                transactor.inTransaction(
                    () -> {
                      if (dropOthers) {
                        meaningIndexing.dropOtherModels(model);
                      }
                      return meaningIndexing.store(model, batch, made);
                    });
          } catch (RuntimeException e) {
            meaning.discard();
            throw e;
          }
        }
        othersDropped = true;
        after = batch.lastSeq();
        progress.indexed(indexed, Math.max(total, indexed));
      }
    }
    return indexed;
  }

  private TextEmbedder attachedEmbedder() {
    return meaning
        .embedder()
        .orElseThrow(() -> new IllegalStateException("no embedding model is attached"));
  }

  /**
   * "Did you mean": the query with each word that no memory holds in any form replaced by the
   * nearest word this vault's memories hold (one or two typing mistakes away); empty when every
   * word is known or no word is near.
   *
   * @throws VaultException.InvalidInput as {@link #search} does for the same query
   */
  public synchronized Optional<String> spellingSuggestion(String query) {
    return transactor.read(() -> search.spellingSuggestion(query));
  }

  @Override
  public synchronized <T> T write(Function<Writes, T> work) {
    return transactor.inTransaction(
        () -> work.apply(new TransactionWrites(transactor, writes, reads, memories)));
  }

  /**
   * The memory imported from {@code provider} with the provider's own id {@code externalId}, live
   * or forgotten: a forgotten import stays forgotten when the same export is imported again.
   * Messages are found too, but by reading the whole vault (they are in no index by provider id);
   * an importer finds them within their conversation ({@link Writes#findMessageBySource}).
   */
  public synchronized Optional<SourceMatch> findBySource(String provider, String externalId) {
    return transactor.read(() -> reads.findBySource(provider, externalId));
  }

  @Override
  public synchronized void exportAll(Consumer<List<Memory>> sink) {
    transactor.read(
        () -> {
          reads.exportAll(sink);
          return null;
        });
  }

  /**
   * Writes one encrypted, self-contained backup of this vault to {@code file}: the header (with the
   * keys wrapped by passphrase and recovery key) and every scope keyset, memory and revision,
   * authenticated as a whole. Written to a temporary file and renamed, so {@code file} is either a
   * complete backup or untouched.
   */
  public synchronized void backup(Path file) {
    backup(file, BackupOptions.defaults());
  }

  /** As {@link #backup(Path)}, replacing an existing file or reporting progress as asked. */
  public synchronized void backup(Path file, BackupOptions options) {
    try {
      VaultBackup.write(
          transactor.connection(), VaultKeys.readHeader(directory), rootKey, file, options);
    } catch (SQLException e) {
      throw Failures.databaseDamaged(directory.resolve(DATABASE_FILE));
    } catch (IOException e) {
      throw new VaultException("cannot write the backup " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Restores a backup into {@code directory}, which must not hold a vault, unlocking it with the
   * passphrase that was current when the backup was made. Verifies the whole backup before writing
   * anything; a tampered or truncated backup restores nothing.
   */
  public static Vault restore(Path backupFile, Path directory, char[] passphrase) {
    return restore(backupFile, directory, passphrase, RebuildProgress.NONE);
  }

  /** As {@link #restore(Path, Path, char[])}, telling {@code progress} of the index rebuild. */
  public static Vault restore(
      Path backupFile, Path directory, char[] passphrase, RebuildProgress progress) {
    return Unlock.restore(backupFile, directory, passphrase, progress);
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
    Vault vault = Unlock.restoreWithRecovery(backupFile, directory, recoveryKeyText, progress);
    vault.changePassphrase(newPassphrase);
    return vault;
  }

  /**
   * Checks that {@code scope} is a valid scope name, for callers that want to refuse a bad name
   * before doing any work.
   *
   * @throws VaultException.InvalidInput saying what a scope name may be
   */
  public static void requireValidScopeName(String scope) {
    MemoryRules.requireScopeName(scope);
  }

  @Override
  public synchronized void requireScopes(Collection<String> names) {
    scopes.requireScopes(names);
  }

  public synchronized List<ScopeSummary> scopes() {
    return transactor.read(() -> scopes.summaries(memories));
  }

  /**
   * Renames a scope on every device (at their next sync): its id, keys and memories stay, so grants
   * of it go on reading it. Two devices renaming one scope end with the later rename
   * (docs/FORMAT.md, section 14.2).
   *
   * @throws VaultException.UnknownItem if no scope is called {@code from}
   * @throws VaultException.InvalidInput if {@code to} is not a valid scope name or is taken
   */
  public synchronized void renameScope(String from, String to) {
    transactor.inTransaction(
        () -> {
          scopes.rename(from, to);
          return null;
        });
  }

  /**
   * Deletes a scope on every device (at their next sync). A scope holding live memories is refused
   * unless {@code force}, which forgets each of them as {@link #forget} does, in the same
   * transaction. Returns how many memories were forgotten, a conversation counted once with its
   * messages, as {@link #scopes} counts.
   *
   * @throws VaultException.UnknownItem if no scope is called {@code name}
   * @throws VaultException.InvalidInput if it holds memories and {@code force} is false
   */
  public synchronized int deleteScope(String name, boolean force) {
    return transactor.inTransaction(
        () -> {
          byte[] scopeId = scopes.existing(name).id();
          long held = memories.countLive(scopeId);
          if (held > 0 && !force) {
            throw new VaultException.InvalidInput(
                "scope '"
                    + name
                    + "' holds "
                    + held
                    + (held == 1 ? " memory" : " memories")
                    + "; nothing was deleted. --force deletes it and forgets them as 'forget'"
                    + " does, on every device at its next sync");
          }
          int forgotten = writes.forgetAllIn(scopeId);
          scopes.delete(name);
          return forgotten;
        });
  }

  /**
   * Adds a new primary key to a scope's keyset: later writes use it, existing records still decrypt
   * under their own keys.
   */
  public synchronized void rotateScopeKey(String scopeName) {
    transactor.inTransaction(
        () -> {
          scopes.rotate(scopeName);
          return null;
        });
  }

  /** What sync needs of this vault: its outbox, cursor, device identity and merge. */
  public Replica replica() {
    return replica;
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

  RootKey rootKey() {
    return rootKey;
  }

  @Override
  public synchronized void close() {
    transactor.close();
  }

  @Override
  public String toString() {
    return "Vault[" + directory + "]";
  }
}
