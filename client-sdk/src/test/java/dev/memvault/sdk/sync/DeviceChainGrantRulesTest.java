package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.core.grant.ProviderKey;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.GrantCreated;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The device chain's rules for grants (proto/README.md, "Device chain"), which server and clients
 * check alike: only an active device grants or ends a grant, a grant's id is new (never a
 * device's), its scopes are distinct, and only a grant in force can be revoked.
 */
class DeviceChainGrantRulesTest {
  private static final byte[] VAULT = bytes(16, 1);
  private static final byte[] LAPTOP = bytes(16, 2);
  private static final byte[] PHONE = bytes(16, 3);
  private static final ByteString GRANT = ByteString.copyFrom(bytes(16, 5));
  private static final ByteString WORK = ByteString.copyFrom(bytes(16, 6));
  private final DeviceSigningKey laptopKey = DeviceSigningKey.generate();
  private final DeviceSigningKey phoneKey = DeviceSigningKey.generate();
  private final ProviderKey provider = ProviderKey.generate();

  private static byte[] bytes(int length, int fill) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) fill);
    return bytes;
  }

  /** Laptop (genesis) and a phone the laptop added. */
  private DeviceChain laptopAndPhone() throws Exception {
    DeviceChain chain =
        DeviceChain.empty(VAULT)
            .extendedBy(
                DeviceLinks.genesis(
                    VAULT,
                    LAPTOP,
                    laptopKey,
                    DeviceEncryptionKey.generate().publicKeyset(),
                    Optional.empty(),
                    1),
                ClientSignatures.INSTANCE);
    return chain.extendedBy(
        DeviceLinks.adds(
            chain,
            LAPTOP,
            laptopKey,
            PHONE,
            phoneKey.publicKeyset(),
            DeviceEncryptionKey.generate().publicKeyset(),
            2),
        ClientSignatures.INSTANCE);
  }

  private GrantCreated.Builder grant(ByteString id, ByteString... scopes) {
    GrantCreated.Builder grant =
        GrantCreated.newBuilder()
            .setGrantId(id)
            .setProviderSigningPublicKeyset(
                ByteString.copyFrom(provider.publicKey().signingPublicKeyset()))
            .setProviderEncryptionPublicKeyset(
                ByteString.copyFrom(provider.publicKey().encryptionPublicKeyset()))
            .setExpiresAtMs(10_000);
    for (ByteString scope : scopes) {
      grant.addScopes(
          GrantedScope.newBuilder()
              .setScopeId(scope)
              .setSealedKeyset(ByteString.copyFrom(bytes(90, 7))));
    }
    return grant;
  }

  private SignedDeviceLink grantedBy(
      DeviceChain chain, byte[] signer, DeviceSigningKey key, GrantCreated.Builder grant) {
    return DeviceLinks.createsGrant(chain, signer, key, grant.build(), 3);
  }

  @Test
  void grant_byActiveDevice_inForceUntilItsExpiryThenRevoked() throws Exception {
    DeviceChain chain = laptopAndPhone();

    DeviceChain granted =
        chain.extendedBy(
            grantedBy(chain, PHONE, phoneKey, grant(GRANT, WORK)), ClientSignatures.INSTANCE);
    DeviceChain.Grant grant = granted.grant(GRANT).orElseThrow();
    DeviceChain revoked =
        granted.extendedBy(
            DeviceLinks.revokesGrant(granted, LAPTOP, laptopKey, GRANT, 4),
            ClientSignatures.INSTANCE);

    assertTrue(grant.inForceAt(9_999));
    assertFalse(grant.inForceAt(10_000));
    assertEquals(java.util.Set.of(WORK), grant.scopeIds());
    assertEquals(3, granted.grantLinkSeq(GRANT));
    assertFalse(revoked.grant(GRANT).orElseThrow().inForceAt(0));
  }

  @Test
  void grant_byRevokedDevice_refused() throws Exception {
    DeviceChain chain = laptopAndPhone();
    DeviceChain phoneRevoked =
        chain.extendedBy(
            DeviceLinks.revokes(chain, LAPTOP, laptopKey, PHONE, 0, new byte[32], 3),
            ClientSignatures.INSTANCE);

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            phoneRevoked.extendedBy(
                DeviceLinks.createsGrant(
                    phoneRevoked, PHONE, phoneKey, grant(GRANT, WORK).build(), 4),
                ClientSignatures.INSTANCE));
  }

  @Test
  void grant_signedByAKeyNotTheNamedDevices_refused() throws Exception {
    DeviceChain chain = laptopAndPhone();

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            chain.extendedBy(
                grantedBy(chain, LAPTOP, DeviceSigningKey.generate(), grant(GRANT, WORK)),
                ClientSignatures.INSTANCE));
  }

  @Test
  void grant_alteredAfterSigning_refused() throws Exception {
    DeviceChain chain = laptopAndPhone();
    SignedDeviceLink signed = grantedBy(chain, LAPTOP, laptopKey, grant(GRANT, WORK));
    DeviceLink link = DeviceLink.parseFrom(signed.getLink());
    DeviceLink longer =
        link.toBuilder()
            .setGrantCreated(link.getGrantCreated().toBuilder().setExpiresAtMs(Long.MAX_VALUE))
            .build();
    SignedDeviceLink altered = signed.toBuilder().setLink(longer.toByteString()).build();

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () -> chain.extendedBy(altered, ClientSignatures.INSTANCE));
  }

  @Test
  void grant_idOfADeviceOrAScopeTwice_refused() throws Exception {
    DeviceChain chain = laptopAndPhone();

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            chain.extendedBy(
                grantedBy(chain, LAPTOP, laptopKey, grant(ByteString.copyFrom(PHONE), WORK)),
                ClientSignatures.INSTANCE));
    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            chain.extendedBy(
                grantedBy(chain, LAPTOP, laptopKey, grant(GRANT, WORK, WORK)),
                ClientSignatures.INSTANCE));
  }

  @Test
  void revokeGrant_unknownOrAlreadyRevoked_refused() throws Exception {
    DeviceChain chain = laptopAndPhone();
    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            chain.extendedBy(
                DeviceLinks.revokesGrant(chain, LAPTOP, laptopKey, GRANT, 3),
                ClientSignatures.INSTANCE));
    DeviceChain granted =
        chain.extendedBy(
            grantedBy(chain, LAPTOP, laptopKey, grant(GRANT, WORK)), ClientSignatures.INSTANCE);
    DeviceChain revoked =
        granted.extendedBy(
            DeviceLinks.revokesGrant(granted, LAPTOP, laptopKey, GRANT, 4),
            ClientSignatures.INSTANCE);

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            revoked.extendedBy(
                DeviceLinks.revokesGrant(revoked, LAPTOP, laptopKey, GRANT, 5),
                ClientSignatures.INSTANCE));
  }

  @Test
  void updateGrantKeys_ofARevokedGrantOrAScopeNotGranted_refused() throws Exception {
    DeviceChain chain = laptopAndPhone();
    DeviceChain granted =
        chain.extendedBy(
            grantedBy(chain, LAPTOP, laptopKey, grant(GRANT, WORK)), ClientSignatures.INSTANCE);
    GrantedScope resealed =
        GrantedScope.newBuilder()
            .setScopeId(WORK)
            .setSealedKeyset(ByteString.copyFrom(bytes(90, 8)))
            .setPrimaryKeyId(42)
            .build();
    GrantedScope other = resealed.toBuilder().setScopeId(ByteString.copyFrom(bytes(16, 9))).build();

    DeviceChain updated =
        granted.extendedBy(
            DeviceLinks.updatesGrantKeys(granted, PHONE, phoneKey, GRANT, List.of(resealed), 4),
            ClientSignatures.INSTANCE);
    assertEquals(42, updated.grant(GRANT).orElseThrow().sealedScopes().get(0).getPrimaryKeyId());
    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            granted.extendedBy(
                DeviceLinks.updatesGrantKeys(granted, LAPTOP, laptopKey, GRANT, List.of(other), 4),
                ClientSignatures.INSTANCE));
    DeviceChain revoked =
        granted.extendedBy(
            DeviceLinks.revokesGrant(granted, LAPTOP, laptopKey, GRANT, 4),
            ClientSignatures.INSTANCE);
    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            revoked.extendedBy(
                DeviceLinks.updatesGrantKeys(
                    revoked, LAPTOP, laptopKey, GRANT, List.of(resealed), 5),
                ClientSignatures.INSTANCE));
  }
}
