package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AssociatedDataTest {
  @Test
  void encode_knownLayout_lengthPrefixedBigEndian() {
    byte[] encoded =
        AssociatedData.labeled("L").bytes(new byte[] {7, 8}).uint32(1).uint64(2).encode();

    assertEquals(
        "00000001"
            + "4c"
            + "00000002"
            + "0708"
            + "00000004"
            + "00000001"
            + "00000008"
            + "0000000000000002",
        HexFormat.of().formatHex(encoded));
  }

  @Test
  void encode_sameBytesSplitDifferently_differentEncodings() {
    Set<String> encodings = new HashSet<>();
    String joined = "abcdef";
    for (int split = 0; split <= joined.length(); split++) {
      encodings.add(
          HexFormat.of()
              .formatHex(
                  AssociatedData.labeled("x")
                      .bytes(joined.substring(0, split).getBytes(StandardCharsets.UTF_8))
                      .bytes(joined.substring(split).getBytes(StandardCharsets.UTF_8))
                      .encode()));
    }
    assertEquals(joined.length() + 1, encodings.size());
  }

  @Test
  void encode_labelIsPartOfIt() {
    assertNotEquals(
        HexFormat.of().formatHex(AssociatedData.labeled("memvault.v1.record").uint32(1).encode()),
        HexFormat.of().formatHex(AssociatedData.labeled("memvault.v1.recorD").uint32(1).encode()));
  }

  @Test
  void recordAddress_associatedData_bindsEveryFieldInOrder() {
    byte[] id = new byte[16];
    RecordAddress address = new RecordAddress(id, id, id, 5, id);
    byte[] expected =
        AssociatedData.labeled("memvault.v1.record")
            .uint32(1)
            .bytes(id)
            .bytes(id)
            .bytes(id)
            .uint64(5)
            .bytes(id)
            .encode();

    assertArrayEquals(expected, address.associatedData(1));
    assertNotEquals(
        HexFormat.of().formatHex(address.associatedData(1)),
        HexFormat.of().formatHex(address.associatedData(2)));
  }

  @Test
  void recordAddress_arraysCopied() {
    byte[] vault = new byte[16];
    RecordAddress address = new RecordAddress(vault, vault, vault, 1, vault);
    vault[0] = 1;
    address.vaultId()[1] = 1;

    assertArrayEquals(new byte[16], address.vaultId());
  }
}
