package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.EpochStarted;
import dev.memvault.proto.sync.v1.SealedEpochKey;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The device chain's rules for key epochs and encryption keys (proto/README.md, "Device chain"),
 * which server and clients check alike: an epoch follows the last one and is sealed to exactly the
 * active devices. Whether a sealed key opens is for its recipient to find out; these rules are what
 * keeps a revoked device out of the list and no active one left off it.
 */
class DeviceChainEpochRulesTest {
  private static final byte[] VAULT = bytes(16, 1);
  private static final byte[] LAPTOP = bytes(16, 2);
  private static final byte[] PHONE = bytes(16, 3);
  private static final byte[] TABLET = bytes(16, 4);
  private final DeviceSigningKey laptopKey = DeviceSigningKey.generate();

  private static byte[] bytes(int length, int fill) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) fill);
    return bytes;
  }

  /** Laptop (genesis), phone and tablet added by the laptop, each with an encryption key. */
  private DeviceChain threeDevices() throws Exception {
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
    for (byte[] device : new byte[][] {PHONE, TABLET}) {
      chain =
          chain.extendedBy(
              DeviceLinks.adds(
                  chain,
                  LAPTOP,
                  laptopKey,
                  device,
                  DeviceSigningKey.generate().publicKeyset(),
                  DeviceEncryptionKey.generate().publicKeyset(),
                  2),
              ClientSignatures.INSTANCE);
    }
    return chain;
  }

  private SignedDeviceLink epoch(DeviceChain chain, int number, byte[]... sealedTo) {
    EpochStarted.Builder epoch =
        EpochStarted.newBuilder()
            .setEpoch(number)
            .setPreviousKey(ByteString.copyFrom(bytes(60, 9)));
    for (byte[] device : sealedTo) {
      epoch.addSealedKeys(
          SealedEpochKey.newBuilder()
              .setDeviceId(ByteString.copyFrom(device))
              .setCiphertext(ByteString.copyFrom(bytes(80, 7))));
    }
    return DeviceLinks.startsEpoch(chain, LAPTOP, laptopKey, epoch.build(), 3);
  }

  private DeviceChain revokePhone(DeviceChain chain) throws Exception {
    return chain.extendedBy(
        DeviceLinks.revokes(chain, LAPTOP, laptopKey, PHONE, 5, bytes(32, 5), 3),
        ClientSignatures.INSTANCE);
  }

  @Test
  void epoch_sealedToExactlyTheActiveDevices_accepted() throws Exception {
    DeviceChain revoked = revokePhone(threeDevices());
    assertTrue(revoked.epochOwed());

    DeviceChain started =
        revoked.extendedBy(epoch(revoked, 1, LAPTOP, TABLET), ClientSignatures.INSTANCE);

    assertEquals(1, started.currentEpoch());
    assertFalse(started.epochOwed());
  }

  @Test
  void epoch_sealedToTheRevokedDevice_refused() throws Exception {
    DeviceChain revoked = revokePhone(threeDevices());

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            revoked.extendedBy(
                epoch(revoked, 1, LAPTOP, TABLET, PHONE), ClientSignatures.INSTANCE));
  }

  @Test
  void epoch_leavingOutAnActiveDevice_refused() throws Exception {
    DeviceChain revoked = revokePhone(threeDevices());

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () -> revoked.extendedBy(epoch(revoked, 1, LAPTOP), ClientSignatures.INSTANCE));
  }

  @Test
  void epoch_sealedTwiceToOneDevice_refused() throws Exception {
    DeviceChain revoked = revokePhone(threeDevices());

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () ->
            revoked.extendedBy(
                epoch(revoked, 1, LAPTOP, TABLET, TABLET), ClientSignatures.INSTANCE));
  }

  @Test
  void epoch_skippingANumber_refused() throws Exception {
    DeviceChain revoked = revokePhone(threeDevices());

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () -> revoked.extendedBy(epoch(revoked, 2, LAPTOP, TABLET), ClientSignatures.INSTANCE));
  }

  @Test
  void keyAnnounced_again_replacesTheSignersKeyForLaterEpochs() throws Exception {
    DeviceChain chain = threeDevices();
    byte[] replacement = DeviceEncryptionKey.generate().publicKeyset();

    DeviceChain announced =
        chain.extendedBy(
            DeviceLinks.announcesKey(chain, LAPTOP, laptopKey, replacement, 3),
            ClientSignatures.INSTANCE);

    assertEquals(
        ByteString.copyFrom(replacement),
        announced.member(ByteString.copyFrom(LAPTOP)).orElseThrow().encryptionPublicKeyset());
  }

  @Test
  void keyAnnounced_empty_refused() throws Exception {
    DeviceChain chain = threeDevices();
    SignedDeviceLink announcement =
        DeviceLinks.announcesKey(chain, LAPTOP, laptopKey, new byte[0], 3);

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () -> chain.extendedBy(announcement, ClientSignatures.INSTANCE));
  }

  @Test
  void revocation_withACutOffHashOfTheWrongLength_refused() throws Exception {
    DeviceChain chain = threeDevices();
    SignedDeviceLink revocation =
        DeviceLinks.revokes(chain, LAPTOP, laptopKey, PHONE, 5, bytes(31, 5), 3);

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () -> chain.extendedBy(revocation, ClientSignatures.INSTANCE));
  }
}
