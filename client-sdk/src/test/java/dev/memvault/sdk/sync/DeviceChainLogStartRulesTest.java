package dev.memvault.sdk.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.core.sync.DeviceEncryptionKey;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.DeviceChain;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The device chain's rule for a log that starts over (proto/README.md, "Device chain", rule 9),
 * which server and clients check alike.
 */
class DeviceChainLogStartRulesTest {
  private static final byte[] VAULT = bytes(16, 1);
  private static final byte[] LAPTOP = bytes(16, 2);
  private static final byte[] PHONE = bytes(16, 3);
  private final DeviceSigningKey laptopKey = DeviceSigningKey.generate();
  private final DeviceSigningKey phoneKey = DeviceSigningKey.generate();

  private static byte[] bytes(int length, int fill) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) fill);
    return bytes;
  }

  /** Laptop (genesis) and phone, the phone revoked after log position 40. */
  private DeviceChain laptopAndRevokedPhone() throws Exception {
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
    chain =
        chain.extendedBy(
            DeviceLinks.adds(
                chain,
                LAPTOP,
                laptopKey,
                PHONE,
                phoneKey.publicKeyset(),
                DeviceEncryptionKey.generate().publicKeyset(),
                2),
            ClientSignatures.INSTANCE);
    return chain.extendedBy(
        DeviceLinks.revokes(chain, LAPTOP, laptopKey, PHONE, 40, bytes(32, 5), 3),
        ClientSignatures.INSTANCE);
  }

  @Test
  void logStartedOver_byAnActiveDevice_revokedDevicesAuthorNothingInTheNewLog() throws Exception {
    DeviceChain chain = laptopAndRevokedPhone();
    assertTrue(chain.member(ByteString.copyFrom(PHONE)).orElseThrow().authoredAt(40));

    DeviceChain started =
        chain.extendedBy(
            DeviceLinks.startsLogOver(chain, LAPTOP, laptopKey, 57, bytes(32, 6), 4),
            ClientSignatures.INSTANCE);

    assertEquals(4, started.logStartSeq());
    assertEquals(0, chain.logStartSeq());
    DeviceChain.Member phone = started.member(ByteString.copyFrom(PHONE)).orElseThrow();
    assertFalse(phone.authoredAt(1), "a revoked device's changes count nowhere in the new log");
    assertTrue(phone.revokedAfterLogHash().isEmpty(), "no cut-off of the old log to check");
    assertTrue(started.member(ByteString.copyFrom(LAPTOP)).orElseThrow().authoredAt(1_000));
  }

  @Test
  void logStartedOver_byARevokedDeviceOrWithoutTheOldHead_breaksTheChain() throws Exception {
    DeviceChain chain = laptopAndRevokedPhone();
    SignedDeviceLink byRevoked =
        DeviceLinks.startsLogOver(chain, PHONE, phoneKey, 57, bytes(32, 6), 4);
    SignedDeviceLink shortHash =
        DeviceLinks.startsLogOver(chain, LAPTOP, laptopKey, 57, bytes(31, 6), 4);

    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () -> chain.extendedBy(byRevoked, ClientSignatures.INSTANCE));
    assertThrows(
        DeviceChain.BrokenDeviceChainException.class,
        () -> chain.extendedBy(shortHash, ClientSignatures.INSTANCE));
  }
}
