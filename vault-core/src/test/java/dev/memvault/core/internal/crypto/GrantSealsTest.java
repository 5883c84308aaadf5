package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
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
  private static final byte[] SEALED =
      hex(
          "995cf0b8d060584cd4227cbd0cb23f98d195be1557a299ac8da0b59bd129e26fdf65683f0a119431cfe10c13"
              + "a4a501b717c7cb77d6eeb37177f8010b9d8948cd3dc3e49126eaaee2c7662c28ef5125cd980b9288c1c7"
              + "8d2c4eda9ae8495b486f891540150cd667e7f4ba51b0a5a9568922b8983be7275a2a4e70e6e47a5d8685"
              + "48f576a3584540eb79cd027a5ac88736cee3983360d3");
  private static final byte[] MESSAGE =
      hex("010000002ae0e1e2e3e4e5e6e7e8e9eaebc2022407ec42aa7e6390353cd2a33218371037d367ee6e");

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void scopeContextAndNameAssociatedData_matchTheVectors() {
    assertEquals(
        "0000001c6d656d7661756c742e73796e632e76312e6772616e742d73636f7065"
            + "00000010000102030405060708090a0b0c0d0e0f"
            + "00000010505152535455565758595a5b5c5d5e5f"
            + "00000010606162636465666768696a6b6c6d6e6f",
        HexFormat.of().formatHex(GrantSeals.scopeContext(VAULT, GRANT, SCOPE)));
    assertEquals(
        "000000166d656d7661756c742e76312e6772616e742d6e616d65"
            + "00000010000102030405060708090a0b0c0d0e0f"
            + "00000010505152535455565758595a5b5c5d5e5f",
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
