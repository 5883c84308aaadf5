package dev.memvault.core.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import dev.memvault.core.internal.crypto.RootKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

class DeviceSigningKeyTest {
  private static final byte[] VAULT = new byte[16];
  private static final byte[] DEVICE = filled(16, 1);

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  @Test
  void sign_verifiesUnderPublicKeysetOnly() throws Exception {
    DeviceSigningKey key = DeviceSigningKey.generate();
    byte[] data = "challenge".getBytes(StandardCharsets.UTF_8);
    PublicKeyVerify verify =
        TinkProtoKeysetFormat.parseKeysetWithoutSecret(
                key.publicKeyset(), RegistryConfiguration.get())
            .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    verify.verify(key.sign(data), data);
    assertThrows(GeneralSecurityException.class, () -> verify.verify(key.sign(data), filled(3, 7)));
  }

  @Test
  void encrypt_decryptsOnlyForSameVaultAndDevice() throws Exception {
    RootKey root = RootKey.generate();
    DeviceSigningKey key = DeviceSigningKey.generate();
    byte[] sealed = key.encrypt(root, VAULT, DEVICE);
    assertArrayEquals(
        key.publicKeyset(), DeviceSigningKey.decrypt(sealed, root, VAULT, DEVICE).publicKeyset());
    assertThrows(
        GeneralSecurityException.class,
        () -> DeviceSigningKey.decrypt(sealed, root, VAULT, filled(16, 2)));
    assertThrows(
        GeneralSecurityException.class,
        () -> DeviceSigningKey.decrypt(sealed, RootKey.generate(), VAULT, DEVICE));
  }

  @Test
  void toString_holdsNoKeyMaterial() {
    assertEquals("DeviceSigningKey[redacted]", DeviceSigningKey.generate().toString());
  }
}
