package dev.memvault.sdk;

import dev.memvault.core.VaultException;
import dev.memvault.core.backup.BackupOptions;
import dev.memvault.core.meaning.MeaningIndexProgress;
import dev.memvault.core.meaning.MeaningIndexStatus;
import dev.memvault.core.meaning.TextEmbedder;
import dev.memvault.core.sync.Replica;
import dev.memvault.core.vault.CreatedVault;
import dev.memvault.core.vault.JoiningDevice;
import dev.memvault.core.vault.RekeyProgress;
import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.core.vault.SearchReport;
import dev.memvault.core.vault.SearchResult;
import dev.memvault.core.vault.Selection;
import dev.memvault.core.vault.SessionKey;
import dev.memvault.core.vault.Vault;
import dev.memvault.core.vault.VaultExport;
import dev.memvault.core.vault.VaultTransactions;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.meaning.LocalEmbedder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The Java API an application embeds to keep memories in a local memvault vault.
 *
 * <p>Every memory is encrypted on this device under its scope's key before it is stored; the
 * passphrase and recovery key never leave the process. Failures are {@link VaultException}s whose
 * messages can be shown to a person as they are.
 *
 * <pre>{@code
 * try (MemoryVault vault = MemoryVault.open(dir, passphrase)) {
 *   vault.add(NewMemory.of("work", Kind.PREFERENCE, "I prefer short answers"));
 *   vault.search("answers", Selection.all());
 * }
 * }</pre>
 */
public final class MemoryVault implements AutoCloseable {
  /** Shorter passphrases are refused when a passphrase is set. */
  public static final int MIN_PASSPHRASE_CHARS = PassphraseStrength.MIN_CHARS;

  private final Vault vault;

  private MemoryVault(Vault vault) {
    this.vault = vault;
    // Costs nothing until a search of an indexed vault, or indexing, needs the model.
    vault.useEmbedder(LocalEmbedder.fromEnvironment(System.getenv()));
  }

  /** A new vault and the recovery key to show the person once. */
  public record Created(MemoryVault vault, String recoveryKey) {
    @Override
    public String toString() {
      return "Created[" + vault + ", recoveryKey=redacted]";
    }
  }

  /**
   * Creates a vault in {@code directory}.
   *
   * @throws VaultException.AlreadyExists if one is there; nothing is overwritten
   */
  public static Created create(Path directory, char[] passphrase) {
    requireStrongEnough(passphrase);
    CreatedVault created = Vault.create(directory, passphrase);
    return new Created(new MemoryVault(created.vault()), created.recoveryKey());
  }

  /**
   * Creates a new device of an existing vault in {@code directory} with the keys another device or
   * the recovery key provided ({@code DeviceJoin}); it holds no memories until it syncs.
   */
  public static MemoryVault createJoined(Path directory, char[] passphrase, JoiningDevice device) {
    requireStrongEnough(passphrase);
    return new MemoryVault(Vault.createJoined(directory, passphrase, device));
  }

  /**
   * Opens a vault.
   *
   * @throws VaultException.WrongKey if the passphrase is wrong
   * @throws VaultException.NotFound if there is no vault there
   */
  public static MemoryVault open(Path directory, char[] passphrase) {
    return open(directory, passphrase, Vault.RebuildProgress.NONE);
  }

  /**
   * As {@link #open(Path, char[])}, with {@code clock} for every timestamp and the hybrid logical
   * clock that orders this device's edits (tests and replays that need a time of their own).
   */
  public static MemoryVault open(Path directory, char[] passphrase, Clock clock) {
    return new MemoryVault(Vault.open(directory, passphrase, clock, new SecureRandom()));
  }

  /**
   * As {@link #open(Path, char[])}, telling {@code progress} how the one-time rebuild of the search
   * index goes (the first open after an upgrade or a restore; about a second per 10,000 memories).
   */
  public static MemoryVault open(
      Path directory, char[] passphrase, Vault.RebuildProgress progress) {
    return new MemoryVault(Vault.open(directory, passphrase, progress));
  }

  /**
   * Opens a vault with the {@link SessionKey} a session agent holds while the vault is unlocked.
   *
   * @throws VaultException.WrongKey if the key no longer opens the vault (rekeyed or replaced
   *     since); the caller asks for the passphrase instead
   */
  public static MemoryVault openWithSessionKey(
      Path directory, SessionKey key, Vault.RebuildProgress progress) {
    return new MemoryVault(Vault.openWithSessionKey(directory, key, progress));
  }

  /**
   * Replaces the keys of the closed vault in {@code directory} (local root key, database key,
   * recovery key) and returns the new recovery key's text, to be shown once; the next sync
   * publishes a new key epoch to the other devices. See {@link Vault#rekey}.
   *
   * @throws VaultException.WrongKey if the passphrase is wrong (nothing is changed)
   */
  public static String rekey(Path directory, char[] passphrase, RekeyProgress progress) {
    return Vault.rekey(directory, passphrase, progress);
  }

  /** Opens a vault with its recovery key and sets a new passphrase. */
  public static MemoryVault recover(Path directory, String recoveryKey, char[] newPassphrase) {
    requireStrongEnough(newPassphrase);
    return new MemoryVault(Vault.recover(directory, recoveryKey, newPassphrase));
  }

  /**
   * Restores a backup into {@code directory}, which must not hold a vault, and opens it. The
   * passphrase is the one that was current when the backup was made. The whole backup is verified
   * before anything is written: a damaged or altered backup restores nothing.
   *
   * @throws VaultException.WrongKey if the passphrase does not open the backup
   * @throws VaultException.AlreadyExists if a vault is already there; nothing is changed
   * @throws VaultException.Corrupt if the backup was altered, truncated or is not a backup
   */
  public static MemoryVault restore(Path backupFile, Path directory, char[] passphrase) {
    return restore(backupFile, directory, passphrase, Vault.RebuildProgress.NONE);
  }

  /** As {@link #restore(Path, Path, char[])}, telling {@code progress} of the index rebuild. */
  public static MemoryVault restore(
      Path backupFile, Path directory, char[] passphrase, Vault.RebuildProgress progress) {
    return new MemoryVault(Vault.restore(backupFile, directory, passphrase, progress));
  }

  /**
   * As {@link #restore}, unlocking the backup with the vault's recovery key and setting a new
   * passphrase on the restored vault.
   */
  public static MemoryVault restoreWithRecovery(
      Path backupFile, Path directory, String recoveryKey, char[] newPassphrase) {
    return restoreWithRecovery(
        backupFile, directory, recoveryKey, newPassphrase, Vault.RebuildProgress.NONE);
  }

  /** As {@link #restoreWithRecovery(Path, Path, String, char[])}, with rebuild progress. */
  public static MemoryVault restoreWithRecovery(
      Path backupFile,
      Path directory,
      String recoveryKey,
      char[] newPassphrase,
      Vault.RebuildProgress progress) {
    requireStrongEnough(newPassphrase);
    return new MemoryVault(
        Vault.restoreWithRecovery(backupFile, directory, recoveryKey, newPassphrase, progress));
  }

  public Memory add(NewMemory memory) {
    return vault.add(memory.toDraft());
  }

  /** Adds several memories in one transaction: all or none. */
  public List<Memory> addAll(List<NewMemory> memories) {
    return vault.addAll(memories.stream().map(NewMemory::toDraft).toList());
  }

  /** Replaces a memory's text with a new revision; earlier revisions stay in its history. */
  public Memory update(String id, String text) {
    return vault.update(id, builder -> builder.setText(text));
  }

  /** A new revision with new text, new tags, or both; an empty option keeps what the memory has. */
  public Memory update(String id, Optional<String> text, Optional<List<String>> tags) {
    return vault.update(
        id,
        builder -> {
          text.ifPresent(builder::setText);
          tags.ifPresent(value -> builder.clearTags().addAllTags(value));
        });
  }

  /**
   * The memory moved to another scope or kind: a new memory (a new id) with the same text, tags,
   * attributes, source and creation time; the old one is forgotten with its history ({@link
   * Vault#move}).
   */
  public Memory move(String id, String scope, Kind kind) {
    return vault.move(id, scope, kind);
  }

  public Memory get(String id) {
    return vault.get(id);
  }

  /**
   * The full id of the memory whose id starts with {@code idOrPrefix} ({@link Vault#resolveId}).
   */
  public String resolveId(String idOrPrefix) {
    return vault.resolveId(idOrPrefix);
  }

  /** Every revision of a memory, oldest first. */
  public List<Memory> history(String id) {
    return vault.history(id);
  }

  /** The messages of a conversation memory. */
  public List<Memory> messages(String conversationId) {
    return vault.messages(conversationId);
  }

  /** Deletes a memory and its earlier revisions; it no longer shows in lists or search. */
  public void forget(String id) {
    vault.forget(id);
  }

  public List<Memory> list(Selection selection) {
    return vault.list(selection);
  }

  /**
   * Hands {@code sink} up to {@code limit} memories of {@code filters} (its own limit ignored),
   * most recently updated first, a page at a time: any number, without holding them all.
   */
  public void list(Selection filters, long limit, java.util.function.Consumer<Memory> sink) {
    vault.list(filters, limit, sink);
  }

  /**
   * Search as a person types it, by words and, once the vault is indexed for meaning ({@link
   * #indexMeaning}), by meaning; best match first.
   */
  public List<SearchResult> search(String query, Selection selection) {
    return vault.search(query, selection);
  }

  /** As {@link #search}, telling whether the results were ranked by meaning, and if not why. */
  public SearchReport searchReport(String query, Selection selection) {
    return vault.searchReport(query, selection);
  }

  /**
   * Gives every memory without one a vector for search by meaning ({@link Vault#indexMeaning}):
   * resumable, batch by batch, and the vault stays usable while it runs.
   *
   * @throws dev.memvault.core.meaning.MeaningUnavailable if the model cannot be loaded or run
   */
  public long indexMeaning(MeaningIndexProgress progress) {
    return vault.indexMeaning(progress);
  }

  /** How much of the vault is indexed for meaning. */
  public MeaningIndexStatus meaningIndexStatus() {
    return vault.meaningIndexStatus();
  }

  /** Uses {@code embedder} for search by meaning in place of the one from the environment. */
  public void useEmbedder(TextEmbedder embedder) {
    vault.useEmbedder(embedder);
  }

  /**
   * "Did you mean": the query with words that no memory holds replaced by the nearest words the
   * vault holds; empty when there is nothing to suggest.
   */
  public Optional<String> spellingSuggestion(String query) {
    return vault.spellingSuggestion(query);
  }

  public List<ScopeSummary> scopes() {
    return vault.scopes();
  }

  /** Renames a scope here and, at their next sync, on every device; see Vault#renameScope. */
  public void renameScope(String from, String to) {
    vault.renameScope(from, to);
  }

  /**
   * Deletes a scope; one holding memories only with {@code force}, which forgets them. Returns how
   * many memories were forgotten; see Vault#deleteScope.
   */
  public int deleteScope(String name, boolean force) {
    return vault.deleteScope(name, force);
  }

  /** New writes to the scope use a fresh key; older memories stay readable. */
  public void rotateScopeKey(String scope) {
    vault.rotateScopeKey(scope);
  }

  /**
   * A copy of what opens this vault without its passphrase, for {@code memvault unlock}'s agent;
   * whoever holds it reads and writes the vault until it is rekeyed. Destroy it when done.
   */
  public SessionKey sessionKey() {
    return vault.sessionKey();
  }

  /** Re-wraps the vault's keys under a new passphrase; no memory is re-encrypted. */
  public void changePassphrase(char[] newPassphrase) {
    requireStrongEnough(newPassphrase);
    vault.changePassphrase(newPassphrase);
  }

  /**
   * Writes one encrypted, self-contained backup of the vault to {@code file}: every scope key,
   * memory and revision, unlockable with the current passphrase or the recovery key. The file
   * appears only once complete.
   *
   * @throws VaultException.AlreadyExists if {@code file} exists; nothing is written
   */
  public void backup(Path file) {
    vault.backup(file);
  }

  public Path directory() {
    return vault.directory();
  }

  /** As {@link #backup(Path)}, replacing an existing file or reporting progress as asked. */
  public void backup(Path file, BackupOptions options) {
    vault.backup(file, options);
  }

  /** The 16-byte id of this device, as lowercase hex. */
  /** What opening found and did that the person should know; empty as a rule. */
  public Optional<String> openNotice() {
    return vault.openNotice();
  }

  public String deviceId() {
    return vault.deviceIdHex();
  }

  /** The engine itself, for this SDK's tests ({@code TestEngines}); main code uses the views. */
  Vault engine() {
    return vault;
  }

  /** What sync needs of this vault: its outbox, cursor, device identity and merge. */
  public Replica replica() {
    return vault.replica();
  }

  /** What an importer needs: transactions over several writes, and scope checks. */
  public VaultTransactions transactions() {
    return vault;
  }

  /** What an exporter needs: every live memory with its whole history. */
  public VaultExport exportSource() {
    return vault;
  }

  @Override
  public void close() {
    vault.close();
  }

  @Override
  public String toString() {
    return "MemoryVault[" + vault.directory() + "]";
  }

  /**
   * Refuses a new passphrase that is too short or too easy to guess ({@link PassphraseStrength}),
   * saying why, before anything is written.
   */
  public static void requireStrongEnough(char[] passphrase) {
    PassphraseStrength.weakness(passphrase)
        .ifPresent(
            reason -> {
              throw new VaultException.InvalidInput(reason);
            });
  }
}
