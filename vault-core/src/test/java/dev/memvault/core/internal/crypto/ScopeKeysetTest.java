package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeKeysetTest {
  private static final byte[] VAULT_A = filled(0x0a);
  private static final byte[] VAULT_B = filled(0x0b);
  private static final byte[] SCOPE_A = filled(0x1a);
  private static final byte[] SCOPE_B = filled(0x1b);
  private static final byte[] AD = "record ad".getBytes(StandardCharsets.UTF_8);

  @Test
  void generate_oneKey_ciphertextsPrefixedWithPrimaryId() throws Exception {
    ScopeKeyset keyset = ScopeKeyset.generate();
    byte[] ciphertext = keyset.aead().encrypt(plain("a"), AD);

    assertEquals(1, keyset.keyCount());
    assertEquals(keyset.primaryKeyId(), keyId(ciphertext));
  }

  @Test
  void rotate_oldCiphertexts_stillDecrypt() throws Exception {
    ScopeKeyset original = ScopeKeyset.generate();
    List<byte[]> ciphertexts = new ArrayList<>();
    List<ScopeKeyset> generations = new ArrayList<>();
    ScopeKeyset keyset = original;
    for (int generation = 0; generation < 4; generation++) {
      generations.add(keyset);
      ciphertexts.add(keyset.aead().encrypt(plain("generation " + generation), AD));
      keyset = keyset.rotate();
    }

    assertEquals(5, keyset.keyCount());
    for (int generation = 0; generation < ciphertexts.size(); generation++) {
      assertArrayEquals(
          plain("generation " + generation),
          keyset.aead().decrypt(ciphertexts.get(generation), AD));
    }
  }

  @Test
  void rotate_newWrites_useNewPrimaryUnknownToOldKeyset() throws Exception {
    ScopeKeyset original = ScopeKeyset.generate();
    ScopeKeyset rotated = original.rotate();
    byte[] fresh = rotated.aead().encrypt(plain("after rotation"), AD);

    assertEquals(2, rotated.keyCount());
    assertNotEquals(original.primaryKeyId(), rotated.primaryKeyId());
    assertEquals(rotated.primaryKeyId(), keyId(fresh));
    assertThrows(GeneralSecurityException.class, () -> original.aead().decrypt(fresh, AD));
  }

  @Test
  void rotate_original_isUnchanged() {
    ScopeKeyset original = ScopeKeyset.generate();
    int primary = original.primaryKeyId();
    original.rotate();

    assertEquals(1, original.keyCount());
    assertEquals(primary, original.primaryKeyId());
  }

  @Test
  void rotate_manyTimes_keyIdsDistinct() {
    ScopeKeyset keyset = ScopeKeyset.generate();
    Set<Integer> primaries = new HashSet<>();
    primaries.add(keyset.primaryKeyId());
    for (int i = 0; i < 20; i++) {
      keyset = keyset.rotate();
      primaries.add(keyset.primaryKeyId());
    }
    assertEquals(21, primaries.size());
    assertEquals(21, keyset.keyCount());
  }

  @Test
  void encryptThenDecrypt_sameVaultAndScope_sameKeys() throws Exception {
    RootKey root = RootKey.generate();
    ScopeKeyset keyset = ScopeKeyset.generate().rotate();
    byte[] old = keyset.aead().encrypt(plain("x"), AD);

    ScopeKeyset restored =
        ScopeKeyset.decrypt(keyset.encrypt(root, VAULT_A, SCOPE_A), root, VAULT_A, SCOPE_A);

    assertEquals(keyset.keyCount(), restored.keyCount());
    assertEquals(keyset.primaryKeyId(), restored.primaryKeyId());
    assertArrayEquals(plain("x"), restored.aead().decrypt(old, AD));
    assertArrayEquals(
        plain("y"), keyset.aead().decrypt(restored.aead().encrypt(plain("y"), AD), AD));
  }

  @Test
  void decrypt_otherScope_rejected() throws Exception {
    RootKey root = RootKey.generate();
    byte[] encrypted = ScopeKeyset.generate().encrypt(root, VAULT_A, SCOPE_A);

    assertThrows(
        GeneralSecurityException.class,
        () -> ScopeKeyset.decrypt(encrypted, root, VAULT_A, SCOPE_B));
  }

  @Test
  void decrypt_otherVault_rejected() throws Exception {
    RootKey root = RootKey.generate();
    byte[] encrypted = ScopeKeyset.generate().encrypt(root, VAULT_A, SCOPE_A);

    assertThrows(
        GeneralSecurityException.class,
        () -> ScopeKeyset.decrypt(encrypted, root, VAULT_B, SCOPE_A));
  }

  @Test
  void decrypt_ambiguousSplitOfIds_rejected() throws Exception {
    RootKey root = RootKey.generate();
    byte[] vault = filled(0x0a);
    byte[] scope = filled(0x1a);
    byte[] encrypted = ScopeKeyset.generate().encrypt(root, vault, scope);
    // The same 32 bytes split differently between the two ids.
    byte[] longerVault = new byte[17];
    System.arraycopy(vault, 0, longerVault, 0, 16);
    longerVault[16] = scope[0];
    byte[] shorterScope = Arrays.copyOfRange(scope, 1, 16);

    assertThrows(
        GeneralSecurityException.class,
        () -> ScopeKeyset.decrypt(encrypted, root, longerVault, shorterScope));
  }

  @Test
  void decrypt_otherRootKey_rejected() throws Exception {
    byte[] encrypted = ScopeKeyset.generate().encrypt(RootKey.generate(), VAULT_A, SCOPE_A);

    assertThrows(
        GeneralSecurityException.class,
        () -> ScopeKeyset.decrypt(encrypted, RootKey.generate(), VAULT_A, SCOPE_A));
  }

  @Test
  void decrypt_everyByteOfEncryptedKeysetFlipped_rejected() throws Exception {
    RootKey root = RootKey.generate();
    byte[] encrypted = ScopeKeyset.generate().encrypt(root, VAULT_A, SCOPE_A);
    for (int i = 0; i < encrypted.length; i++) {
      byte[] tampered = encrypted.clone();
      tampered[i] ^= 0x01;
      int index = i;
      assertThrows(
          GeneralSecurityException.class,
          () -> ScopeKeyset.decrypt(tampered, root, VAULT_A, SCOPE_A),
          "byte " + index);
    }
  }

  private static int keyId(byte[] tinkCiphertext) {
    assertEquals(0x01, tinkCiphertext[0], "Tink output prefix");
    return ByteBuffer.wrap(tinkCiphertext, 1, 4).getInt();
  }

  private static byte[] plain(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] filled(int first) {
    byte[] out = new byte[16];
    for (int i = 0; i < 16; i++) {
      out[i] = (byte) (first + i);
    }
    return out;
  }
}
