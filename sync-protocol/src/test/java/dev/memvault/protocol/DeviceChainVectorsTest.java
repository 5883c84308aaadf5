package dev.memvault.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.GrantRevoked;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Known answers for a device chain link (proto/README.md, "Device chain"): its bytes, signing input
 * and link hash, computed independently of this code by docs/vectors/chain_vectors.py, which writes
 * the link's protobuf encoding by hand.
 */
class DeviceChainVectorsTest {
  private static final String LINK =
      "0a10000102030405060708090a0b0c0d0e0f10051a20909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7"
          + "a8a9aaabacadaeaf3210202122232425262728292a2b2c2d2e2f3880e4ca91af3362120a1050515253545556"
          + "5758595a5b5c5d5e5f";

  /** Verifies signatures as the clients and the server do, with Tink's Ed25519. */
  private static final DeviceChain.Signatures TINK_SIGNATURES =
      new DeviceChain.Signatures() {
        @Override
        public boolean verifiesDevice(ByteString publicKeyset, byte[] signature, byte[] data) {
          try {
            DeviceSignatureVerifier.of(publicKeyset).verify(signature, data);
            return true;
          } catch (GeneralSecurityException | RuntimeException e) {
            return false;
          }
        }

        @Override
        public boolean verifiesRecovery(byte[] publicKey, byte[] signature, byte[] data) {
          return DeviceSignatureVerifier.verifiesRawKey(publicKey, signature, data);
        }
      };

  private static ByteString bytes(int from, int to) {
    byte[] bytes = new byte[to - from];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (from + i);
    }
    return ByteString.copyFrom(bytes);
  }

  @Test
  void grantRevokedLink_bytesSigningInputAndHash_matchTheVectors() {
    ByteString link =
        DeviceLink.newBuilder()
            .setVaultId(bytes(0x00, 0x10))
            .setSeq(5)
            .setPrevHash(bytes(0x90, 0xb0))
            .setSignerDeviceId(bytes(0x20, 0x30))
            .setCreatedAtMs(1_765_000_000_000L)
            .setGrantRevoked(GrantRevoked.newBuilder().setGrantId(bytes(0x50, 0x60)))
            .build()
            .toByteString();
    byte[] signature = new byte[69];
    signature[0] = 0x01;
    for (int i = 1; i < 5; i++) {
      signature[i] = (byte) (0xc0 + i - 1);
    }
    java.util.Arrays.fill(signature, 5, 69, (byte) 0x55);

    assertEquals(LINK, HexFormat.of().formatHex(link.toByteArray()));
    assertEquals(
        "0000001c6d656d7661756c742e73796e632e76312e6465766963652d6c696e6b00000063" + LINK,
        HexFormat.of().formatHex(DeviceChain.signingInput(link)));
    assertEquals(
        "36bb6e1661a75bd5a5ac709260f8b2c9bbef70450388865236fe1f004195ecb7",
        HexFormat.of()
            .formatHex(
                DeviceChain.linkHash(
                    SignedDeviceLink.newBuilder()
                        .setLink(link)
                        .setSignature(ByteString.copyFrom(signature))
                        .build())));
  }

  /**
   * The signed first link printed in proto/README.md ("Device chain"): its signatures, made by
   * Python's Ed25519, verify under the rules of a chain's first link, and its hash is the one
   * printed. A bit flipped in either signature breaks the chain.
   */
  @Test
  void signedFirstLink_readmeVector_verifiesAsAFirstLinkWithThePrintedHash() throws Exception {
    SignatureConfig.register();
    Map<String, String> printed = ProtoReadmeVectors.values("A signed first link");
    HexFormat hex = HexFormat.of();
    SignedDeviceLink signed =
        SignedDeviceLink.newBuilder()
            .setLink(ByteString.fromHex(printed.get("link")))
            .setSignature(ByteString.fromHex(printed.get("signature")))
            .setRecoverySignature(ByteString.fromHex(printed.get("recovery_signature")))
            .build();
    byte[] vaultId = bytes(0x00, 0x10).toByteArray();

    DeviceChain chain = DeviceChain.verify(vaultId, List.of(signed), TINK_SIGNATURES);

    assertEquals(printed.get("link_hash"), hex.formatHex(DeviceChain.linkHash(signed)));
    assertArrayEquals(DeviceChain.linkHash(signed), chain.headHash());
    assertTrue(chain.member(bytes(0x20, 0x30)).orElseThrow().active());
    assertEquals(32, chain.recoveryPublicKey().orElseThrow().length);
    for (String field : List.of("signature", "recovery_signature")) {
      byte[] flipped = hex.parseHex(printed.get(field));
      flipped[flipped.length - 1] ^= 1;
      SignedDeviceLink forged =
          field.equals("signature")
              ? signed.toBuilder().setSignature(ByteString.copyFrom(flipped)).build()
              : signed.toBuilder().setRecoverySignature(ByteString.copyFrom(flipped)).build();
      assertThrows(
          DeviceChain.BrokenDeviceChainException.class,
          () -> DeviceChain.verify(vaultId, List.of(forged), TINK_SIGNATURES),
          field);
    }
  }
}
