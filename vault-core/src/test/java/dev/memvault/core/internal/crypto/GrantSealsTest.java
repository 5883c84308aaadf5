package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.testing.FormatDocument;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Known answers for what a grant seals (docs/FORMAT.md, section 7.8), computed independently of
 * this code by docs/vectors/grant_vectors.py with Python's {@code cryptography} (its own HPKE and
 * AES-GCM) and a hand-written Tink keyset.
 */
class GrantSealsTest {
  private static final byte[] VAULT = hex("000102030405060708090a0b0c0d0e0f");
  private static final byte[] GRANT = hex("505152535455565758595a5b5c5d5e5f");
  private static final byte[] SCOPE = hex("606162636465666768696a6b6c6d6e6f");
  private static final byte[] SEED =
      hex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
  private static final Map<String, String> PRINTED = FormatDocument.lastBlockValues("7.8 ");
  private static final byte[] SEALED = hex(PRINTED.get("sealed"));
  private static final byte[] MESSAGE = hex(PRINTED.get("message"));

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void scopeContextAndNameAssociatedData_matchTheVectors() {
    assertEquals(
        PRINTED.get("scope_context"),
        HexFormat.of().formatHex(GrantSeals.scopeContext(VAULT, GRANT, SCOPE)));
    assertEquals(
        PRINTED.get("name_ad"),
        HexFormat.of().formatHex(GrantSeals.nameAssociatedData(VAULT, GRANT)));
  }

  @Test
  void openSealed_pythonsHpkeSeal_isTheKeysetThatDecryptsPythonsMessage() throws Exception {
    ScopeKeyset keyset =
        ScopeKeyset.openSealed(
            Hpke.fromSeed(SecretBytes.copyFrom(SEED, InsecureSecretKeyAccess.get())),
            SEALED,
            GrantSeals.scopeContext(VAULT, GRANT, SCOPE));

    assertEquals(42, keyset.primaryKeyId());
    assertArrayEquals(
        "granted".getBytes(StandardCharsets.UTF_8), keyset.aead().decrypt(MESSAGE, new byte[0]));
  }

  @Test
  void openSealed_anotherScopesContext_refused() {
    assertThrows(
        GeneralSecurityException.class,
        () ->
            ScopeKeyset.openSealed(
                Hpke.fromSeed(SecretBytes.copyFrom(SEED, InsecureSecretKeyAccess.get())),
                SEALED,
                GrantSeals.scopeContext(VAULT, GRANT, VAULT)));
  }
}
