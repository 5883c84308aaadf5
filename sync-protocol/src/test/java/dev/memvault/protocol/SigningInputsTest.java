package dev.memvault.protocol;

import static dev.memvault.protocol.SigningVectors.CHANGE;
import static dev.memvault.protocol.SigningVectors.DEVICE;
import static dev.memvault.protocol.SigningVectors.RECORD;
import static dev.memvault.protocol.SigningVectors.VAULT;
import static dev.memvault.protocol.SigningVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.Change;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The signing inputs against vectors computed independently (SigningVectors). */
class SigningInputsTest {
  @Test
  void change_vector_matchesIndependentEncoding() {
    Change change =
        Change.newBuilder()
            .setChangeId(ByteString.copyFrom(CHANGE))
            .setDeviceId(ByteString.copyFrom(DEVICE))
            .setRecordId(ByteString.copyFrom(RECORD))
            .setPayload(ByteString.copyFromUtf8("first payload"))
            .setSignature(ByteString.copyFromUtf8("not covered"))
            .build();

    assertArrayEquals(
        hex(
            "000000176d656d7661756c742e73796e632e76312e6368616e6765"
                + "00000010000102030405060708090a0b0c0d0e0f"
                + "00000010101112131415161718191a1b1c1d1e1f"
                + "00000010202122232425262728292a2b2c2d2e2f"
                + "00000010303132333435363738393a3b3c3d3e3f"
                + "0000000d6669727374207061796c6f6164"),
        SigningInputs.change(VAULT, change));
  }

  @Test
  void authentication_vector_matchesIndependentEncoding() {
    byte[] nonce = new byte[40];
    for (int i = 0; i < nonce.length; i++) {
      nonce[i] = (byte) (0x40 + i);
    }

    assertArrayEquals(
        hex(
            "000000156d656d7661756c742e73796e632e76312e61757468"
                + "0000001573796e632e6578616d706c652e6f72673a37343433"
                + "0000001d6d656d7661756c742e73796e632e76312f61757468656e746963617465"
                + "00000010000102030405060708090a0b0c0d0e0f"
                + "00000010202122232425262728292a2b2c2d2e2f"
                + "00000028404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
                + "6061626364656667"),
        SigningInputs.authentication(
            "sync.example.org:7443", SigningInputs.AUTHENTICATE_PURPOSE, VAULT, DEVICE, nonce));
  }

  @Test
  void encoding_shiftedFieldBoundary_differs() {
    // A delimiter join would make these equal; length prefixes do not.
    assertFalse(
        Arrays.equals(
            CanonicalEncoding.encode("l", hex("0102"), hex("03")),
            CanonicalEncoding.encode("l", hex("01"), hex("0203"))));
  }
}
