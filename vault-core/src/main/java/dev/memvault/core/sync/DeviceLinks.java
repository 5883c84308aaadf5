package dev.memvault.core.sync;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.proto.sync.v1.DeviceAdded;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.DeviceRevoked;
import dev.memvault.proto.sync.v1.EncryptionKeyAnnounced;
import dev.memvault.proto.sync.v1.EpochStarted;
import dev.memvault.proto.sync.v1.GrantCreated;
import dev.memvault.proto.sync.v1.GrantKeysUpdated;
import dev.memvault.proto.sync.v1.GrantRevoked;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.sync.v1.LogStartedOver;
import dev.memvault.proto.sync.v1.RecoveryReplaced;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Writing device chain links (proto/README.md, "Device chain"), signed as the rules require. */
public final class DeviceLinks {
  private DeviceLinks() {}

  /**
   * The first link: the first device adding itself, signed by itself and, when the vault has a
   * recovery key at hand, by the recovery key too, whose public key it names.
   */
  public static SignedDeviceLink genesis(
      byte[] vaultId,
      byte[] deviceId,
      DeviceSigningKey deviceKey,
      byte[] encryptionPublicKeyset,
      Optional<RecoverySigningKey> recovery,
      long nowMillis) {
    DeviceAdded.Builder added =
        DeviceAdded.newBuilder()
            .setDeviceId(ByteString.copyFrom(deviceId))
            .setSigningPublicKeyset(ByteString.copyFrom(deviceKey.publicKeyset()))
            .setEncryptionPublicKeyset(ByteString.copyFrom(encryptionPublicKeyset));
    recovery.ifPresent(
        key ->
            added
                .setRecoveryPublicKey(ByteString.copyFrom(key.publicKey()))
                .setRecoveryEncryptionPublicKeyset(
                    ByteString.copyFrom(key.encryptionPublicKeyset(vaultId))));
    ByteString link =
        DeviceLink.newBuilder()
            .setVaultId(ByteString.copyFrom(vaultId))
            .setSeq(1)
            .setPrevHash(ByteString.copyFrom(new byte[32]))
            .setAdded(added)
            .setSignerDeviceId(ByteString.copyFrom(deviceId))
            .setCreatedAtMs(nowMillis)
            .build()
            .toByteString();
    byte[] input = DeviceChain.signingInput(link);
    SignedDeviceLink.Builder signed =
        SignedDeviceLink.newBuilder()
            .setLink(link)
            .setSignature(ByteString.copyFrom(deviceKey.sign(input)));
    recovery.ifPresent(key -> signed.setRecoverySignature(ByteString.copyFrom(key.sign(input))));
    return signed.build();
  }

  /** The next link after {@code chain}: {@code signer} adds a device. */
  public static SignedDeviceLink adds(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      byte[] newDeviceId,
      byte[] newDevicePublicKeyset,
      byte[] newDeviceEncryptionKeyset,
      long nowMillis) {
    return signedBy(
        chain,
        signerDeviceId,
        signerKey,
        nowMillis,
        link ->
            link.setAdded(added(newDeviceId, newDevicePublicKeyset, newDeviceEncryptionKeyset)));
  }

  /** The next link after {@code chain}: the recovery key adds a device (join --recovery). */
  public static SignedDeviceLink addsByRecovery(
      DeviceChain chain,
      RecoverySigningKey recovery,
      byte[] newDeviceId,
      byte[] newDevicePublicKeyset,
      byte[] newDeviceEncryptionKeyset,
      long nowMillis) {
    ByteString link =
        next(chain, nowMillis)
            .setAdded(added(newDeviceId, newDevicePublicKeyset, newDeviceEncryptionKeyset))
            .build()
            .toByteString();
    return SignedDeviceLink.newBuilder()
        .setLink(link)
        .setSignature(ByteString.copyFrom(recovery.sign(DeviceChain.signingInput(link))))
        .build();
  }

  /** The next link after {@code chain}: {@code signer} revokes a device. */
  public static SignedDeviceLink revokes(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      byte[] revokedDeviceId,
      long afterLogSeq,
      byte[] afterLogHash,
      long nowMillis) {
    return signedBy(
        chain,
        signerDeviceId,
        signerKey,
        nowMillis,
        link ->
            link.setRevoked(
                DeviceRevoked.newBuilder()
                    .setDeviceId(ByteString.copyFrom(revokedDeviceId))
                    .setAfterLogSeq(afterLogSeq)
                    .setAfterLogHash(ByteString.copyFrom(afterLogHash))));
  }

  /** The next link after {@code chain}: {@code signer} starts a key epoch. */
  public static SignedDeviceLink startsEpoch(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      EpochStarted epoch,
      long nowMillis) {
    return signedBy(
        chain, signerDeviceId, signerKey, nowMillis, link -> link.setEpochStarted(epoch));
  }

  /** The next link after {@code chain}: {@code signer} replaces the vault's recovery key. */
  public static SignedDeviceLink replacesRecovery(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      RecoveryReplaced replacement,
      long nowMillis) {
    return signedBy(
        chain, signerDeviceId, signerKey, nowMillis, link -> link.setRecoveryReplaced(replacement));
  }

  /** The next link after {@code chain}: {@code signer} names its own encryption key. */
  public static SignedDeviceLink announcesKey(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      byte[] encryptionPublicKeyset,
      long nowMillis) {
    return signedBy(
        chain,
        signerDeviceId,
        signerKey,
        nowMillis,
        link ->
            link.setKeyAnnounced(
                EncryptionKeyAnnounced.newBuilder()
                    .setEncryptionPublicKeyset(ByteString.copyFrom(encryptionPublicKeyset))));
  }

  /**
   * The next link after {@code chain}: {@code signer} starts the vault's log over, having verified
   * the log before up to {@code previousLogSeq} with entry hash {@code previousLogHash}.
   */
  public static SignedDeviceLink startsLogOver(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      long previousLogSeq,
      byte[] previousLogHash,
      long nowMillis) {
    return signedBy(
        chain,
        signerDeviceId,
        signerKey,
        nowMillis,
        link ->
            link.setLogStartedOver(
                LogStartedOver.newBuilder()
                    .setPreviousLogSeq(previousLogSeq)
                    .setPreviousLogHash(ByteString.copyFrom(previousLogHash))));
  }

  /** The next link after {@code chain}: {@code signer} grants a provider access. */
  public static SignedDeviceLink createsGrant(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      GrantCreated grant,
      long nowMillis) {
    return signedBy(
        chain, signerDeviceId, signerKey, nowMillis, link -> link.setGrantCreated(grant));
  }

  /** The next link after {@code chain}: {@code signer} ends grant {@code grantId}. */
  public static SignedDeviceLink revokesGrant(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      ByteString grantId,
      long nowMillis) {
    return signedBy(
        chain,
        signerDeviceId,
        signerKey,
        nowMillis,
        link -> link.setGrantRevoked(GrantRevoked.newBuilder().setGrantId(grantId)));
  }

  /** The next link after {@code chain}: {@code signer} seals rotated scope keys to a grant. */
  public static SignedDeviceLink updatesGrantKeys(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      ByteString grantId,
      List<GrantedScope> scopes,
      long nowMillis) {
    return signedBy(
        chain,
        signerDeviceId,
        signerKey,
        nowMillis,
        link ->
            link.setGrantKeysUpdated(
                GrantKeysUpdated.newBuilder().setGrantId(grantId).addAllScopes(scopes)));
  }

  /** The next link after {@code chain} with {@code action}, signed by device {@code signer}. */
  private static SignedDeviceLink signedBy(
      DeviceChain chain,
      byte[] signerDeviceId,
      DeviceSigningKey signerKey,
      long nowMillis,
      UnaryOperator<DeviceLink.Builder> action) {
    ByteString link =
        action
            .apply(next(chain, nowMillis).setSignerDeviceId(ByteString.copyFrom(signerDeviceId)))
            .build()
            .toByteString();
    return signedBy(signerKey, link);
  }

  private static SignedDeviceLink signedBy(DeviceSigningKey signerKey, ByteString link) {
    return SignedDeviceLink.newBuilder()
        .setLink(link)
        .setSignature(ByteString.copyFrom(signerKey.sign(DeviceChain.signingInput(link))))
        .build();
  }

  /** The device a link adds, or empty. */
  public static Optional<ByteString> addedDevice(SignedDeviceLink signed) {
    try {
      DeviceLink link = DeviceLink.parseFrom(signed.getLink());
      return link.hasAdded() ? Optional.of(link.getAdded().getDeviceId()) : Optional.empty();
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  private static DeviceLink.Builder next(DeviceChain chain, long nowMillis) {
    return DeviceLink.newBuilder()
        .setVaultId(chain.vaultId())
        .setSeq(chain.headSeq() + 1)
        .setPrevHash(ByteString.copyFrom(chain.headHash()))
        .setCreatedAtMs(nowMillis);
  }

  private static DeviceAdded added(byte[] deviceId, byte[] publicKeyset, byte[] encryptionKeyset) {
    return DeviceAdded.newBuilder()
        .setDeviceId(ByteString.copyFrom(deviceId))
        .setSigningPublicKeyset(ByteString.copyFrom(publicKeyset))
        .setEncryptionPublicKeyset(ByteString.copyFrom(encryptionKeyset))
        .build();
  }
}
