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
  /** A scope with its decrypted keyset. */
  record Scope(byte[] id, String name, ScopeKeyset keyset) {
    @Override
    public String toString() {
      return "Scope[" + name + ", " + keyset + "]";
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
    byName.put(scope.name(), scope);
    byId.put(HexFormat.of().formatHex(scope.id()), scope);
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
