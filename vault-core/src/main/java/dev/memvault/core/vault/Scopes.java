package dev.memvault.core.vault;

import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The open vault's scopes with their decrypted keysets, by name and by id. Not thread-safe: the
 * vault serializes access. A snapshot taken before a transaction is restored when it fails, so that
 * a scope created inside a rolled-back transaction is forgotten with it.
 */
final class Scopes {
  /**
   * A scope with its decrypted keyset. {@code name} is what it is shown and looked up under; {@code
   * createdName} is the name it was created with, which its sealed memories carry (its id derives
   * from it); {@code naming} is what its last rename or delete set.
   */
  record Scope(byte[] id, String name, String createdName, ScopeKeyset keyset, Naming naming) {
    /** A scope never renamed nor deleted. */
    Scope(byte[] id, String name, ScopeKeyset keyset) {
      this(id, name, name, keyset, Naming.initial(name));
    }

    Scope withKeyset(ScopeKeyset next) {
      return new Scope(id, name, createdName, next, naming);
    }

    Scope withNaming(Naming next) {
      return new Scope(id, name, createdName, keyset, next);
    }

    Scope shownAs(String shown) {
      return new Scope(id, shown, createdName, keyset, naming);
    }

    @Override
    public String toString() {
      return "Scope[" + name + ", " + keyset + "]";
    }
  }

  /**
   * The name a scope claims and whether it was deleted, with the clock of the rename or delete that
   * set them (0: its creation). Of two namings the greater (hlc, name, deleted) wins.
   */
  record Naming(String name, boolean deleted, long hlc) {
    static Naming initial(String createdName) {
      return new Naming(createdName, false, 0);
    }

    boolean isAfter(Naming other) {
      int byClock = Long.compareUnsigned(hlc, other.hlc);
      if (byClock != 0) {
        return byClock > 0;
      }
      int byName = name.compareTo(other.name);
      if (byName != 0) {
        return byName > 0;
      }
      return deleted && !other.deleted;
    }
  }

  private Map<String, Scope> byName = new HashMap<>();
  private Map<String, Scope> byId = new HashMap<>();

  /** The scope called {@code name}, or null. */
  Scope named(String name) {
    return byName.get(name);
  }

  /** The names of every open scope, sorted. */
  List<String> names() {
    List<String> names = new ArrayList<>(byName.keySet());
    names.sort(null);
    return names;
  }

  /**
   * @throws VaultException.UnknownItem naming the scopes there are
   */
  Scope existing(String name) {
    Scope scope = byName.get(name);
    if (scope == null) {
      List<String> names = new ArrayList<>(byName.keySet());
      names.sort(null);
      throw new VaultException.UnknownItem(
          "no scope named '"
              + name
              + "'"
              + (names.isEmpty()
                  ? "; the vault has no scopes yet"
                  : "; scopes: " + String.join(", ", names)));
    }
    return scope;
  }

  /**
   * @throws VaultException.Corrupt if no scope has this id: a row names a scope that is not there,
   *     which only damage or tampering produces
   */
  Scope byId(byte[] id) {
    Scope scope = byId.get(HexFormat.of().formatHex(id));
    if (scope == null) {
      throw new VaultException.Corrupt(
          "a memory names a scope the vault does not have: the database was altered or damaged");
    }
    return scope;
  }

  /** The scope with this id, or null (sync: a remote revision may name an unknown scope). */
  Scope findById(byte[] id) {
    return byId.get(HexFormat.of().formatHex(id));
  }

  void put(Scope scope) {
    Scope before = byId.put(HexFormat.of().formatHex(scope.id()), scope);
    if (before != null && byName.get(before.name()) == before) {
      byName.remove(before.name());
    }
    byName.put(scope.name(), scope);
  }

  /** Every open scope, by id: deleted ones and one whose name another scope took too. */
  List<Scope> everyById() {
    return new ArrayList<>(byId.values());
  }

  /** Every open scope, by name. */
  List<Scope> all() {
    List<Scope> all = new ArrayList<>();
    for (String name : names()) {
      all.add(byName.get(name));
    }
    return all;
  }

  /** A copy of the current state, for {@link #restore}. */
  Scopes snapshot() {
    Scopes copy = new Scopes();
    copy.byName = new HashMap<>(byName);
    copy.byId = new HashMap<>(byId);
    return copy;
  }

  void restore(Scopes snapshot) {
    byName = new HashMap<>(snapshot.byName);
    byId = new HashMap<>(snapshot.byId);
  }
}
