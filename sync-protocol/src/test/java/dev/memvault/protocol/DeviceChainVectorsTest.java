package dev.memvault.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.GrantRevoked;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import java.util.HexFormat;
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
}
