package dev.memvault.server;

import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.server.store.SyncStore;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real store with fault injection: appends throw {@link #failure} while it is set. Not a mock:
 * everything else goes to the real store underneath.
 */
final class FaultyStore implements SyncStore {
  private final SyncStore real;
  volatile RuntimeException failure;

  FaultyStore(SyncStore real) {
    this.real = real;
  }

  @Override
  public List<LogEntry> append(byte[] vaultId, List<Change> changes, long acceptedAtMillis) {
    RuntimeException current = failure;
    if (current != null) {
      throw current;
    }
    return real.append(vaultId, changes, acceptedAtMillis);
  }

  @Override
  public boolean registerVault(
      byte[] vaultId,
      Device firstDevice,
      Optional<SignedDeviceLink> genesis,
      Optional<RecoveryRecord> recovery) {
    return real.registerVault(vaultId, firstDevice, genesis, recovery);
  }

  @Override
  public boolean startOver(
      byte[] vaultId,
      List<SignedDeviceLink> chain,
      List<LinkEffect> effects,
      Optional<RecoveryRecord> recovery,
      long atMillis) {
    return real.startOver(vaultId, chain, effects, recovery, atMillis);
  }

  @Override
  public boolean appendDeviceLink(
      byte[] vaultId, long seq, SignedDeviceLink link, LinkEffect effect) {
    return real.appendDeviceLink(vaultId, seq, link, effect);
  }

  @Override
  public List<SignedDeviceLink> deviceChain(byte[] vaultId) {
    return real.deviceChain(vaultId);
  }

  @Override
  public Optional<RecoveryRecord> recovery(byte[] recoveryPublicKey) {
    return real.recovery(recoveryPublicKey);
  }

  @Override
  public boolean openPairing(
      byte[] pairingId, byte[] vaultId, byte[] deviceId, long nowMillis, long expiresAtMillis) {
    return real.openPairing(pairingId, vaultId, deviceId, nowMillis, expiresAtMillis);
  }

  @Override
  public boolean postJoinRequest(byte[] pairingId, byte[] joinRequest, long nowMillis) {
    return real.postJoinRequest(pairingId, joinRequest, nowMillis);
  }

  @Override
  public boolean postKeyPackage(
      byte[] pairingId, byte[] vaultId, byte[] sealedKeyPackage, long nowMillis) {
    return real.postKeyPackage(pairingId, vaultId, sealedKeyPackage, nowMillis);
  }

  @Override
  public Optional<Pairing> pairing(byte[] pairingId, long nowMillis) {
    return real.pairing(pairingId, nowMillis);
  }

  @Override
  public boolean addDevice(byte[] vaultId, Device device) {
    return real.addDevice(vaultId, device);
  }

  @Override
  public boolean revokeDevice(byte[] vaultId, byte[] deviceId, long atMillis) {
    return real.revokeDevice(vaultId, deviceId, atMillis);
  }

  @Override
  public Optional<Device> device(byte[] vaultId, byte[] deviceId) {
    return real.device(vaultId, deviceId);
  }

  @Override
  public List<Device> devices(byte[] vaultId) {
    return real.devices(vaultId);
  }

  @Override
  public List<LogEntry> read(byte[] vaultId, long afterSeq, int limit) {
    return real.read(vaultId, afterSeq, limit);
  }

  @Override
  public Head head(byte[] vaultId) {
    return real.head(vaultId);
  }

  @Override
  public long storedBytes(byte[] vaultId) {
    return real.storedBytes(vaultId);
  }

  @Override
  public long totalStoredBytes() {
    return real.totalStoredBytes();
  }

  @Override
  public long vaultCount() {
    return real.vaultCount();
  }

  @Override
  public String serverIdentity(String proposed) {
    return real.serverIdentity(proposed);
  }

  @Override
  public byte[] serverSecretCheck(byte[] proposed) {
    return real.serverSecretCheck(proposed);
  }

  @Override
  public void replaceServerSecretCheck(byte[] check) {
    real.replaceServerSecretCheck(check);
  }

  @Override
  public void recordGrantRead(byte[] vaultId, byte[] grantId, long atMillis, long recordsServed) {
    real.recordGrantRead(vaultId, grantId, atMillis, recordsServed);
  }

  @Override
  public java.util.List<dev.memvault.proto.sync.v1.GrantAccess> grantReads(byte[] vaultId) {
    return real.grantReads(vaultId);
  }

  @Override
  public AutoCloseable subscribe(Consumer<Appended> listener) {
    return real.subscribe(listener);
  }

  @Override
  public void close() {
    real.close();
  }
}
