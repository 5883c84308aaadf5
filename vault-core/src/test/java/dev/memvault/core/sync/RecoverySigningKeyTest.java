package dev.memvault.core.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.subtle.Ed25519Verify;
import dev.memvault.core.internal.crypto.RecoveryKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The Ed25519 key a recovery key derives, which anchors and extends a vault's device chain. */
class RecoverySigningKeyTest {
  private static final byte[] DATA = "a device chain link".getBytes(StandardCharsets.UTF_8);

  @Test
  void derive_sameRecoveryKeyTyped_samePublicKey() throws Exception {
    RecoveryKey key = RecoveryKey.generate();
    RecoveryKey retyped = RecoveryKey.parse(key.toDisplayString().toLowerCase());

    assertArrayEquals(
        RecoverySigningKey.derive(key).publicKey(), RecoverySigningKey.derive(retyped).publicKey());
  }

  @Test
  void derive_otherRecoveryKey_otherPublicKey() {
    assertFalse(
        Arrays.equals(
            RecoverySigningKey.derive(RecoveryKey.generate()).publicKey(),
            RecoverySigningKey.derive(RecoveryKey.generate()).publicKey()));
  }

  @Test
  void sign_verifiesUnderItsPublicKeyOnly() throws Exception {
    RecoverySigningKey key = RecoverySigningKey.derive(RecoveryKey.generate());
    RecoverySigningKey other = RecoverySigningKey.derive(RecoveryKey.generate());
    byte[] signature = key.sign(DATA);

    new Ed25519Verify(key.publicKey()).verify(signature, DATA);
    assertThrows(
        GeneralSecurityException.class,
        () -> new Ed25519Verify(other.publicKey()).verify(signature, DATA));
  }

  @Test
  void toString_showsNeitherSeedNorRecoveryKey() {
    RecoveryKey recovery = RecoveryKey.generate();
    RecoverySigningKey key = RecoverySigningKey.derive(recovery);
    String seed =
        HexFormat.of().formatHex(recovery.signingSeed().toByteArray(InsecureSecretKeyAccess.get()));

    String shown = key.toString();

    assertFalse(shown.contains(seed.substring(0, 16)), shown);
    assertFalse(shown.contains(recovery.toDisplayString().substring(0, 9)), shown);
  }
}
