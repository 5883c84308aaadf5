package dev.memvault.core.vault;

import dev.memvault.core.internal.crypto.EpochKeySeals;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.core.internal.store.EpochKeyRows;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The epoch keys of the vault root key this device holds (docs/FORMAT.md, "Key epochs"), stored
 * wrapped by the device's local root key. Epoch 0 is the vault's original root key, which every
 * device has; later epochs arrive sealed to this device in the device chain. What this device seals
 * for others (scope records) goes under the newest epoch it holds; what it opens names its epoch.
 */
final class EpochKeys {
  private final EpochKeyRows rows;
  private final RootKey localRoot;
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final NavigableMap<Integer, RootKey> keys = new TreeMap<>();

  EpochKeys(EpochKeyRows rows, RootKey localRoot, byte[] vaultId, byte[] deviceId) {
    this.rows = rows;
    this.localRoot = localRoot;
    this.vaultId = vaultId;
    this.deviceId = deviceId;
  }

  /**
   * Reads the stored keys. A vault made before key epochs stores none: its local root key is the
   * vault's original root key, which becomes epoch 0.
   */
  void load() throws SQLException, GeneralSecurityException {
    keys.clear();
    for (Map.Entry<Integer, byte[]> row : rows.all().entrySet()) {
      keys.put(
          row.getKey(),
          EpochKeySeals.unwrapLocal(localRoot, row.getValue(), vaultId, deviceId, row.getKey()));
    }
    if (!keys.containsKey(0)) {
      add(0, localRoot);
    }
  }

  /** Stores {@code key} as epoch {@code epoch}'s; an epoch held before keeps its key. */
  void add(int epoch, RootKey key) throws SQLException, GeneralSecurityException {
    if (keys.containsKey(epoch)) {
      return;
    }
    rows.insert(epoch, EpochKeySeals.wrapLocal(localRoot, key, vaultId, deviceId, epoch));
    keys.put(epoch, key);
  }

  int currentEpoch() {
    return keys.lastKey();
  }

  RootKey current() {
    return keys.lastEntry().getValue();
  }

  /** The vault's original root key, from which scope ids are derived on every device. */
  RootKey original() {
    return keys.get(0);
  }

  Optional<RootKey> of(int epoch) {
    return Optional.ofNullable(keys.get(epoch));
  }

  Map<Integer, RootKey> all() {
    return Collections.unmodifiableMap(keys);
  }
}
