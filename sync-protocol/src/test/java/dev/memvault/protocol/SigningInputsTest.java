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

/**
 * The signing inputs against the vectors of proto/README.md ("Test vectors"), computed there
 * independently with Python and read from the document.
 */
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
        hex(ProtoReadmeVectors.values("vault_id `000102").get("change input")),
        SigningInputs.change(VAULT, change));
  }

  @Test
  void authentication_vector_matchesIndependentEncoding() {
    byte[] nonce = new byte[40];
    for (int i = 0; i < nonce.length; i++) {
      nonce[i] = (byte) (0x40 + i);
    }

    assertArrayEquals(
        hex(ProtoReadmeVectors.values("Same ids, server_id").get("auth input")),
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
