package dev.memvault.core.vault;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.GrantSeals;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.core.internal.store.MemoryRows;
import dev.memvault.core.internal.store.ScopeRows;
import dev.memvault.core.internal.sync.HybridClock;
import dev.memvault.core.internal.sync.ScopeIds;
import dev.memvault.core.internal.sync.ScopeNames;
import dev.memvault.core.internal.sync.SyncRows;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.v1.ScopeRecord;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The vault's scopes: created on first use, their keysets rotated, and merged with the scopes other
 * devices push. Keysets are stored wrapped by the device's local root key, and travel sealed under
 * an epoch key of the vault root key (docs/FORMAT.md, "Key epochs"); a scope's id is derived from
 * its name and the vault's original root key (section 14.2), so that one scope created on two
 * devices before they sync is one scope whose keysets merge. Every new or changed keyset is queued
 * for sync, or other devices could not read what is sealed under it.
 */
final class ScopeCatalog {
  private final Scopes openScopes;
  private final ScopeRows scopeRows;
  private final SyncRows syncRows;
  private final Outbox outbox;
  private final HybridClock hlc;
  private final RootKey rootKey;
  private final EpochKeys epochKeys;
  private final byte[] vaultId;
  private final Clock clock;

  ScopeCatalog(
      Scopes openScopes,
      ScopeRows scopeRows,
      SyncRows syncRows,
      Outbox outbox,
      HybridClock hlc,
      RootKey rootKey,
      EpochKeys epochKeys,
      byte[] vaultId,
      Clock clock) {
    this.openScopes = openScopes;
    this.scopeRows = scopeRows;
    this.syncRows = syncRows;
    this.outbox = outbox;
    this.hlc = hlc;
    this.rootKey = rootKey;
    this.epochKeys = epochKeys;
    this.vaultId = vaultId;
    this.clock = clock;
  }

  /** Decrypts every stored keyset into the open scopes (at open). */
  void load() throws SQLException, GeneralSecurityException {
    for (ScopeRows.StoredScope stored : scopeRows.all()) {
      ScopeKeyset keyset =
          ScopeKeyset.decrypt(stored.encryptedKeyset(), rootKey, vaultId, stored.scopeId());
      openScopes.put(new Scope(stored.scopeId(), stored.name(), keyset));
    }
  }

  /** The scope called {@code name}, created (and queued for sync) if the vault has none. */
  Scope scopeFor(String name) throws SQLException, GeneralSecurityException {
    Scope existing = openScopes.named(name);
    if (existing != null) {
      return existing;
    }
    byte[] id = ScopeIds.derive(epochKeys.original(), vaultId, name);
    ScopeKeyset keyset = ScopeKeyset.generate();
    scopeRows.insert(
        new ScopeRows.StoredScope(id, name, keyset.encrypt(rootKey, vaultId, id), clock.millis()));
    Scope scope = new Scope(id, name, keyset);
    openScopes.put(scope);
    syncRows.setScopeHlc(id, hlc.tick());
    outbox.enqueueScope(scope);
    return scope;
  }

  /** A new primary key for the scope: later writes use it, older records keep theirs. */
  void rotate(String scopeName) throws SQLException, GeneralSecurityException {
    Scope scope = openScopes.existing(scopeName);
    ScopeKeyset rotated = scope.keyset().rotate();
    scopeRows.updateKeyset(scope.id(), rotated.encrypt(rootKey, vaultId, scope.id()));
    Scope next = new Scope(scope.id(), scope.name(), rotated);
    openScopes.put(next);
    syncRows.setScopeHlc(scope.id(), hlc.tick());
    outbox.enqueueScope(next);
  }

  /**
   * A new primary key for every scope, in one transaction: the cost is per scope, not per memory
   * (nothing is re-encrypted).
   */
  void rotateAll() throws SQLException, GeneralSecurityException {
    for (String name : openScopes.names()) {
      rotate(name);
    }
  }

  /** A new primary key for each of these scopes the vault holds (a grant's, when it ends). */
  void rotateById(Collection<byte[]> scopeIds) throws SQLException, GeneralSecurityException {
    for (byte[] id : scopeIds) {
      Scope scope = openScopes.findById(id);
      if (scope != null) {
        rotate(scope.name());
      }
    }
  }

  /**
   * The named scopes' ids with their keysets (every key) sealed to a provider's HPKE key for one
   * grant (docs/FORMAT.md, "Grants"); no other scope's key and no root key leaves.
   *
   * @throws VaultException.UnknownItem for the first name the vault lacks
   */
  List<GrantedScope> sealForGrant(
      Collection<String> names, byte[] providerEncryptionKeyset, byte[] grantId)
      throws GeneralSecurityException {
    List<GrantedScope> sealed = new ArrayList<>();
    for (String name : names) {
      sealed.add(sealed(openScopes.existing(name), providerEncryptionKeyset, grantId));
    }
    return sealed;
  }

  /**
   * The grant's scopes whose key rotated here since their keyset was last sealed to it (their
   * primary key is not the one the grant names), sealed again with every key; scopes this vault
   * does not hold are left to the devices that do.
   */
  List<GrantedScope> owedToGrant(
      Collection<GrantedScope> sealedLast, byte[] providerEncryptionKeyset, byte[] grantId)
      throws GeneralSecurityException {
    List<GrantedScope> owed = new ArrayList<>();
    for (GrantedScope last : sealedLast) {
      Scope scope = openScopes.findById(last.getScopeId().toByteArray());
      if (scope != null && scope.keyset().primaryKeyId() != last.getPrimaryKeyId()) {
        owed.add(sealed(scope, providerEncryptionKeyset, grantId));
      }
    }
    return owed;
  }

  private GrantedScope sealed(Scope scope, byte[] providerEncryptionKeyset, byte[] grantId)
      throws GeneralSecurityException {
    return GrantedScope.newBuilder()
        .setScopeId(ByteString.copyFrom(scope.id()))
        .setSealedKeyset(
            ByteString.copyFrom(
                scope
                    .keyset()
                    .sealTo(
                        providerEncryptionKeyset,
                        GrantSeals.scopeContext(vaultId, grantId, scope.id()))))
        .setPrimaryKeyId(scope.keyset().primaryKeyId())
        .build();
  }

  /** The names of the scopes with these ids this vault holds, in the order given. */
  List<String> namesOf(Collection<ByteString> scopeIds) {
    List<String> names = new ArrayList<>();
    for (ByteString id : scopeIds) {
      Scope scope = openScopes.findById(id.toByteArray());
      if (scope != null) {
        names.add(scope.name());
      }
    }
    return names;
  }

  /**
   * @throws VaultException.UnknownItem for the first name the vault lacks
   */
  void requireScopes(Collection<String> names) {
    names.forEach(openScopes::existing);
  }

  List<ScopeSummary> summaries(MemoryRows memories) throws SQLException {
    List<ScopeSummary> result = new ArrayList<>();
    for (ScopeRows.StoredScope stored : scopeRows.all()) {
      Scope scope = openScopes.byId(stored.scopeId());
      result.add(
          new ScopeSummary(
              stored.name(), memories.countLive(stored.scopeId()), scope.keyset().keyCount()));
    }
    return result;
  }

  /**
   * Takes in a scope pulled from another device, filed under record id {@code filedUnder}: a new
   * scope is stored; a known one merges keysets, the primary key going to the later clock.
   */
  void receive(ScopeRecord record, byte[] filedUnder)
      throws SQLException, GeneralSecurityException {
    byte[] scopeId = record.getScopeId().toByteArray();
    if (scopeId.length != 16 || !Arrays.equals(scopeId, filedUnder)) {
      throw Failures.refusedChange("names a scope other than the one it is filed under");
    }
    RootKey epochKey =
        epochKeys
            .of(record.getEpoch())
            .orElseThrow(() -> new VaultException.KeyEpochUnknown(record.getEpoch()));
    String name;
    ScopeKeyset keyset;
    try {
      name = ScopeNames.open(epochKey, vaultId, scopeId, record.getEncryptedName().toByteArray());
      keyset =
          ScopeKeyset.decrypt(
              record.getEncryptedKeyset().toByteArray(), epochKey, vaultId, scopeId);
    } catch (GeneralSecurityException e) {
      throw Failures.refusedChange("holds a scope that does not decrypt under this vault's key");
    }
    if (!MemoryRules.SCOPE_NAME.matcher(name).matches()) {
      throw Failures.refusedChange("holds a scope that does not decrypt under this vault's key");
    }
    hlc.receive(record.getHlc());
    Scope known = openScopes.findById(scopeId);
    if (known == null) {
      if (openScopes.named(name) != null) {
        // Only a scope created before scope ids were derived from names (section 14.2) gets
        // here: an older device's random id and a newer device's derived id for one name.
        throw new VaultException(
            "scope '"
                + name
                + "' was created separately on this device and on another one"
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
}
