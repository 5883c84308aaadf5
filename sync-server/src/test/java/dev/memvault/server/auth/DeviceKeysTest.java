package dev.memvault.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeviceKeysTest {
  private static final byte[] DATA = "signed bytes".getBytes(StandardCharsets.UTF_8);

  private final DeviceKeys keys = new DeviceKeys();

  @BeforeAll
  static void registerTink() throws Exception {
    SignatureConfig.register();
  }

  @Test
  void verifies_rotatedKeyset_signaturesOfOldAndNewPrimaryVerify() throws Exception {
    KeysetHandle old =
        KeysetHandle.generateNew(
            PredefinedSignatureParameters.ED25519, RegistryConfiguration.get());
    byte[] byOld = sign(old, DATA);
    KeysetHandle rotated =
        KeysetHandle.newBuilder(old)
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedSignatureParameters.ED25519)
                    .withRandomId()
                    .makePrimary())
            .build();
    byte[] byNew = sign(rotated, DATA);

    ByteString publicRotated = publicKeyset(rotated);
    assertTrue(keys.verifies(publicRotated, byOld, DATA));
    assertTrue(keys.verifies(publicRotated, byNew, DATA));
    assertFalse(keys.verifies(publicKeyset(old), byNew, DATA));
    assertFalse(
        keys.verifies(publicRotated, byNew, "other bytes".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void verifier_notAKeyset_badKeyset() {
    RejectedException e =
        assertThrows(
            RejectedException.class, () -> keys.verifier(ByteString.copyFromUtf8("not a keyset")));

    assertEquals(ErrorReason.BAD_KEYSET, e.reason());
  }

  private static byte[] sign(KeysetHandle handle, byte[] data) throws Exception {
    return handle.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(data);
  }

  private static ByteString publicKeyset(KeysetHandle handle) throws Exception {
    return ByteString.copyFrom(
        TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
            handle.getPublicKeysetHandle(), RegistryConfiguration.get()));
  }
}
