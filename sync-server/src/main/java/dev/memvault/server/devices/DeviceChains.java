package dev.memvault.server.devices;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.DeviceSignatureVerifier;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.auth.DeviceKeys;
import dev.memvault.server.errors.RejectedException;
import dev.memvault.server.store.SyncStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's side of device chains (proto/README.md, "Device chain"): it checks every link with
 * the same rules as the clients ({@link DeviceChain}) before storing it, and keeps the devices that
 * may sign in in step with the chain. The server cannot write a valid link itself; these checks
 * only keep garbage and stale writers out, the clients' checks are what protect them.
 */
public final class DeviceChains {
  /**
   * A serialized link: ids, a keyset of at most 4 KiB, signatures; a key epoch seals about 100
   * bytes per active device, so this bounds an epoch to some 300 devices.
   */
  public static final int MAX_LINK_BYTES = 32 * 1024;

  private static final int MAX_KEYSET_BYTES = 4 * 1024;

  private final SyncStore store;
  private final DeviceKeys keys;
  private final Clock clock;
  private final DeviceChain.Signatures signatures;

  public DeviceChains(SyncStore store, DeviceKeys keys, Clock clock) {
    this.store = store;
    this.keys = keys;
    this.clock = clock;
    this.signatures = new ServerSignatures(keys);
  }

  /** The vault's chain as stored, verified. */
  public DeviceChain current(byte[] vaultId) {
    try {
      return DeviceChain.verify(vaultId, store.deviceChain(vaultId), signatures);
    } catch (DeviceChain.BrokenDeviceChainException e) {
      // Only a damaged database gets here: every stored link was checked before it was stored.
      throw new IllegalStateException("a stored device chain no longer verifies", e);
    }
  }

  /**
   * Checks a first link for a vault being registered with {@code firstDevice}'s keyset.
   *
   * @throws RejectedException BAD_DEVICE_LINK if it is not the first device adding itself
   */
  public DeviceChain checkGenesis(byte[] vaultId, SignedDeviceLink genesis, Device firstDevice) {
    DeviceChain chain = extend(DeviceChain.empty(vaultId), genesis);
    DeviceChain.Member first = chain.members().get(0);
    if (!first.deviceId().equals(firstDevice.getDeviceId())
        || !first.signingPublicKeyset().equals(firstDevice.getSigningPublicKeyset())) {
      throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    }
    return chain;
  }

  /**
   * Appends a link to the vault's chain after checking it extends the stored chain, and adds or
   * revokes the device it names.
   *
   * @param requiredSigner the device that must have signed it; empty when it must be signed with
   *     the recovery key
   * @throws RejectedException BAD_DEVICE_LINK if it breaks a rule, CHAIN_CONFLICT if another link
   *     was appended first
   */
  public DeviceChain append(byte[] vaultId, SignedDeviceLink signed, ByteString requiredSigner) {
    if (signed.getSerializedSize() > MAX_LINK_BYTES) {
      throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    }
    DeviceChain before = current(vaultId);
    DeviceLink link = parse(signed);
    if (!link.getSignerDeviceId().equals(requiredSigner)) {
      throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    }
    if (link.getSeq() != before.headSeq() + 1) {
      throw new RejectedException(
          link.getSeq() <= before.headSeq()
              ? ErrorReason.CHAIN_CONFLICT
              : ErrorReason.BAD_DEVICE_LINK);
    }
    DeviceChain after = extend(before, signed);
    if (!store.appendDeviceLink(vaultId, link.getSeq(), signed, effectOf(vaultId, link))) {
      throw new RejectedException(ErrorReason.CHAIN_CONFLICT);
    }
    return after;
  }

  /** A whole chain, checked link by link from the first, with the effect of each link in order. */
  public record CheckedChain(DeviceChain chain, List<SyncStore.LinkEffect> effects) {}

  /**
   * Checks a whole device chain that a device uploads to start its vault's log over.
   *
   * @throws RejectedException BAD_DEVICE_LINK if any link breaks a rule
   */
  public CheckedChain checkWhole(byte[] vaultId, List<SignedDeviceLink> links) {
    DeviceChain chain = DeviceChain.empty(vaultId);
    List<SyncStore.LinkEffect> effects = new ArrayList<>();
    for (SignedDeviceLink signed : links) {
      chain = extend(chain, signed);
      effects.add(effectOf(vaultId, parse(signed)));
    }
    return new CheckedChain(chain, List.copyOf(effects));
  }

  private SyncStore.LinkEffect effectOf(byte[] vaultId, DeviceLink link) {
    return switch (link.getActionCase()) {
      case ADDED ->
          new SyncStore.Adds(
              Device.newBuilder()
                  .setDeviceId(link.getAdded().getDeviceId())
                  .setSigningPublicKeyset(link.getAdded().getSigningPublicKeyset())
                  .setRegisteredAtMs(clock.millis())
                  .build());
      case REVOKED ->
          new SyncStore.Revokes(link.getRevoked().getDeviceId().toByteArray(), clock.millis());
      case RECOVERY_REPLACED ->
          new SyncStore.ReplacesRecovery(
              new SyncStore.RecoveryRecord(
                  link.getRecoveryReplaced().getRecoveryPublicKey().toByteArray(),
                  vaultId,
                  link.getRecoveryReplaced().getRootKeyByRecovery().toByteArray()));
      case EPOCH_STARTED,
          KEY_ANNOUNCED,
          GRANT_CREATED,
          GRANT_REVOKED,
          GRANT_KEYS_UPDATED,
          LOG_STARTED_OVER ->
          new SyncStore.NoDeviceChange();
      default -> throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    };
  }

  private DeviceChain extend(DeviceChain chain, SignedDeviceLink signed) {
    if (signed.getSerializedSize() > MAX_LINK_BYTES) {
      throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    }
    DeviceLink link = parse(signed);
    if (link.hasAdded()) {
      // The keyset's size is bounded before anything parses it.
      if (link.getAdded().getSigningPublicKeyset().size() > MAX_KEYSET_BYTES) {
        throw new RejectedException(ErrorReason.BAD_KEYSET);
      }
      keys.verifier(link.getAdded().getSigningPublicKeyset()); // BAD_KEYSET if not Ed25519
    }
    try {
      return chain.extendedBy(signed, signatures);
    } catch (DeviceChain.BrokenDeviceChainException e) {
      throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    }
  }

  private static DeviceLink parse(SignedDeviceLink signed) {
    try {
      return DeviceLink.parseFrom(signed.getLink());
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedException(ErrorReason.BAD_DEVICE_LINK);
    }
  }

  /** Verifies with the server's cached device keysets and Tink's raw Ed25519 for recovery keys. */
  private record ServerSignatures(DeviceKeys keys) implements DeviceChain.Signatures {
    @Override
    public boolean verifiesDevice(ByteString signingPublicKeyset, byte[] signature, byte[] data) {
      try {
        return keys.verifies(signingPublicKeyset, signature, data);
      } catch (RejectedException badKeyset) {
        return false;
      }
    }

    @Override
    public boolean verifiesRecovery(byte[] recoveryPublicKey, byte[] signature, byte[] data) {
      return DeviceSignatureVerifier.verifiesRawKey(recoveryPublicKey, signature, data);
    }
  }
}
