package dev.memvault.core.vault;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
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
import dev.memvault.core.vault.Scopes.Naming;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.v1.ScopeNaming;
import dev.memvault.proto.v1.ScopeRecord;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
    Map<String, ScopeRows.StoredNaming> namings = new HashMap<>();
    for (ScopeRows.StoredNaming naming : scopeRows.namings()) {
      namings.put(hex(naming.scopeId()), naming);
    }
    for (ScopeRows.StoredScope stored : scopeRows.all()) {
      ScopeKeyset keyset =
          ScopeKeyset.decrypt(stored.encryptedKeyset(), rootKey, vaultId, stored.scopeId());
      ScopeRows.StoredNaming naming = namings.get(hex(stored.scopeId()));
      openScopes.put(
          naming == null
              ? new Scope(stored.scopeId(), stored.name(), keyset)
              : new Scope(
                  stored.scopeId(),
                  stored.name(),
                  naming.createdName(),
                  keyset,
                  new Naming(naming.name(), naming.deleted(), naming.nameHlc())));
    }
  }

  /** The scope called {@code name}, created (and queued for sync) if the vault has none. */
  Scope scopeFor(String name) throws SQLException, GeneralSecurityException {
    Scope existing = openScopes.named(name);
    if (existing != null) {
      return existing.naming().deleted() ? renamed(existing, existing.naming().name()) : existing;
    }
    byte[] id = ScopeIds.derive(epochKeys.original(), vaultId, name);
    Scope holder = openScopes.findById(id);
    if (holder != null) {
      // A renamed scope keeps the id its first name derives: a second scope of that name would
      // have the same id. A deleted scope is taken up again under its first name.
      if (holder.naming().deleted()) {
        return renamed(holder, name);
      }
      throw new VaultException.InvalidInput(
          "scope '"
              + name
              + "' was renamed to '"
              + holder.name()
              + "': add to '"
              + holder.name()
              + "', or choose another name ('memvault scopes rename "
              + holder.name()
              + " "
              + name
              + "' takes the name back)");
    }
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
    Scope next = scope.withKeyset(rotated);
    openScopes.put(next);
    syncRows.setScopeHlc(scope.id(), hlc.tick());
    outbox.enqueueScope(next);
  }

  /**
   * Renames a scope; its id, keys and memories stay, so grants of it and devices that have not yet
   * synced the rename keep reading it.
   *
   * @throws VaultException.UnknownItem if no scope is called {@code from}
   * @throws VaultException.InvalidInput if {@code to} is not a valid name or is taken
   */
  void rename(String from, String to) throws SQLException, GeneralSecurityException {
    Scope scope = openScopes.existing(from);
    MemoryRules.requireScopeName(to);
    Scope named = openScopes.named(to);
    if (named != null && named != scope) {
      throw new VaultException.InvalidInput(
          "a scope named '"
              + to
              + "' exists"
              + (named.naming().deleted() ? " (deleted, and holding no memory)" : "")
              + "; choose another name");
    }
    if (named == scope && scope.naming().name().equals(to)) {
      throw new VaultException.InvalidInput("scope '" + to + "' is called so already");
    }
    Scope holder = openScopes.findById(ScopeIds.derive(epochKeys.original(), vaultId, to));
    if (holder != null && holder != scope && !holder.naming().deleted()) {
      throw new VaultException.InvalidInput(
          "'"
              + to
              + "' is the name scope '"
              + holder.name()
              + "' was created with, and stays its own; choose another name");
    }
    renamed(scope, to);
  }

  /**
   * Marks a scope deleted: it leaves the listing while it holds no live memory, and other devices
   * learn of it at their next sync. Its memories are the caller's to forget.
   */
  Scope delete(String name) throws SQLException, GeneralSecurityException {
    Scope scope = openScopes.existing(name);
    return named(scope, new Naming(scope.naming().name(), true, hlc.tick()));
  }

  /** The scope called {@code name}. @throws VaultException.UnknownItem if there is none */
  Scope existing(String name) {
    return openScopes.existing(name);
  }

  private Scope renamed(Scope scope, String name) throws SQLException, GeneralSecurityException {
    return named(scope, new Naming(name, false, hlc.tick()));
  }

  /** Gives the scope a new naming of this device's, settles names and queues it for sync. */
  private Scope named(Scope scope, Naming naming) throws SQLException, GeneralSecurityException {
    storeNaming(scope, naming);
    settleNames();
    Scope now = openScopes.findById(scope.id());
    outbox.enqueueScope(now);
    return now;
  }

  private void storeNaming(Scope scope, Naming naming) throws SQLException {
    scopeRows.putNaming(
        new ScopeRows.StoredNaming(
            scope.id(), scope.createdName(), naming.name(), naming.deleted(), naming.hlc()));
    openScopes.put(scope.withNaming(naming));
  }

  /**
   * Gives every scope the name it is shown under, from the namings alone, so that every device that
   * holds the same namings shows the same names. Of the scopes that claim one name, the first of:
   * not deleted, created with that name (a device that has not seen a rename and adds to the name
   * adds to that scope), the later naming, the greater id; the others are shown as the name and the
   * start of their id ({@code notes-1a2b3c4d}) until one is renamed.
   */
  private void settleNames() throws SQLException {
    Map<String, List<Scope>> claims = new TreeMap<>();
    for (Scope scope : openScopes.all()) {
      claims.computeIfAbsent(scope.naming().name(), n -> new ArrayList<>()).add(scope);
    }
    Map<String, String> shown = new LinkedHashMap<>();
    Set<String> taken = new HashSet<>(claims.keySet());
    for (Map.Entry<String, List<Scope>> claim : claims.entrySet()) {
      List<Scope> claimants = claim.getValue();
      byte[] derived = ScopeIds.derive(epochKeys.original(), vaultId, claim.getKey());
      claimants.sort(claimOrder(derived));
      shown.put(hex(claimants.get(0).id()), claim.getKey());
      for (Scope loser : claimants.subList(1, claimants.size())) {
        String aside = asideName(claim.getKey(), loser.id(), taken);
        taken.add(aside);
        shown.put(hex(loser.id()), aside);
      }
    }
    List<Scope> moved = new ArrayList<>();
    for (Scope scope : openScopes.all()) {
      if (!scope.name().equals(shown.get(hex(scope.id())))) {
        // Out of the way first: scopes.name is unique, and '~' is in no valid name.
        scopeRows.updateName(scope.id(), "~" + hex(scope.id()));
        moved.add(scope);
      }
    }
    for (Scope scope : moved) {
      String name = shown.get(hex(scope.id()));
      scopeRows.updateName(scope.id(), name);
      openScopes.put(scope.shownAs(name));
    }
  }

  private static String hex(byte[] id) {
    return HexFormat.of().formatHex(id);
  }

  private static Comparator<Scope> claimOrder(byte[] derivedId) {
    return Comparator.<Scope, Boolean>comparing(scope -> scope.naming().deleted())
        .thenComparing(scope -> !Arrays.equals(scope.id(), derivedId))
        .thenComparing(
            (a, b) -> a.naming().isAfter(b.naming()) ? -1 : b.naming().isAfter(a.naming()) ? 1 : 0)
        .thenComparing((a, b) -> Arrays.compareUnsigned(b.id(), a.id()));
  }

  /** {@code name-xxxxxxxx} from the scope id, longer if taken, cut to a valid length. */
  private static String asideName(String name, byte[] id, Set<String> taken) {
    String hex = hex(id);
    for (int digits = 8; ; digits += 8) {
      String suffix = "-" + hex.substring(0, Math.min(digits, hex.length()));
      String candidate = name.substring(0, Math.min(name.length(), 64 - suffix.length())) + suffix;
      if (!taken.contains(candidate) || digits >= hex.length()) {
        return candidate;
      }
    }
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

  /** Every scope with its count of live memories; a deleted scope only while it holds some. */
  List<ScopeSummary> summaries(MemoryRows memories) throws SQLException {
    List<ScopeSummary> result = new ArrayList<>();
    for (ScopeRows.StoredScope stored : scopeRows.all()) {
      Scope scope = openScopes.byId(stored.scopeId());
      long live = memories.countLive(stored.scopeId());
      if (live > 0 || !scope.naming().deleted()) {
        result.add(new ScopeSummary(stored.name(), live, scope.keyset().keyCount()));
      }
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
    Naming naming = Naming.initial(name);
    if (!record.getSealedNaming().isEmpty()) {
      naming = openNaming(epochKey, scopeId, record.getSealedNaming().toByteArray());
    }
    if (!MemoryRules.SCOPE_NAME.matcher(name).matches()
        || !MemoryRules.SCOPE_NAME.matcher(naming.name()).matches()) {
      throw Failures.refusedChange("holds a scope that does not decrypt under this vault's key");
    }
    hlc.receive(record.getHlc());
    hlc.receive(naming.hlc());
    Scope known = openScopes.findById(scopeId);
    if (known == null) {
      // Stored out of the way ('~' is in no valid name) until names are settled: a scope here
      // may claim the same name (a concurrent rename, or a scope of a device older than derived
      // scope ids).
      String aside = "~" + hex(scopeId);
      scopeRows.insert(
          new ScopeRows.StoredScope(
              scopeId, aside, keyset.encrypt(rootKey, vaultId, scopeId), clock.millis()));
      syncRows.setScopeHlc(scopeId, record.getHlc());
      Scope received = new Scope(scopeId, aside, name, keyset, Naming.initial(name));
      if (naming.hlc() != 0) {
        storeNaming(received, naming);
      } else {
        openScopes.put(received);
      }
      settleNames();
      return;
    }
    if (!name.equals(known.createdName())) {
      throw Failures.refusedChange(
          "gives scope a first name other than the one it was created with");
    }
    long localHlc = syncRows.scopeHlc(scopeId);
    boolean remotePrimary = Long.compareUnsigned(record.getHlc(), localHlc) > 0;
    ScopeKeyset merged = known.keyset().mergedWith(keyset, remotePrimary);
    if (!merged.sameKeysAs(known.keyset())) {
      scopeRows.updateKeyset(scopeId, merged.encrypt(rootKey, vaultId, scopeId));
      openScopes.put(known.withKeyset(merged));
    }
    if (remotePrimary) {
      syncRows.setScopeHlc(scopeId, record.getHlc());
    }
    if (naming.isAfter(known.naming())) {
      storeNaming(openScopes.findById(scopeId), naming);
      settleNames();
    }
  }

  private Naming openNaming(RootKey epochKey, byte[] scopeId, byte[] sealed) {
    try {
      ScopeNaming opened =
          ScopeNaming.parseFrom(ScopeNames.openNaming(epochKey, vaultId, scopeId, sealed));
      return new Naming(opened.getName(), opened.getDeleted(), opened.getHlc());
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw Failures.refusedChange("holds a scope that does not decrypt under this vault's key");
    }
  }
}
