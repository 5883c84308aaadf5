package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The Tink AEAD keyset of one scope (AES-256-GCM keys). New records are encrypted under the primary
 * key; records written under earlier keys still decrypt, because Tink prefixes each ciphertext with
 * the id of its key. Stored only encrypted under the vault root key, with the vault and scope ids
 * as associated data, so a keyset cannot be moved to another scope.
 */
public final class ScopeKeyset {
  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final KeysetHandle handle;
  private final Aead aead;

  private ScopeKeyset(KeysetHandle handle) throws GeneralSecurityException {
    this.handle = handle;
    this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
  }

  public static ScopeKeyset generate() {
    try {
      return new ScopeKeyset(
          KeysetHandle.newBuilder()
              .addEntry(
                  KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                      .withRandomId()
                      .makePrimary())
              .build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM keys unavailable", e);
    }
  }

  /**
   * @throws GeneralSecurityException if the keyset does not decrypt under this root key for this
   *     vault and scope
   */
  public static ScopeKeyset decrypt(byte[] encrypted, RootKey root, byte[] vaultId, byte[] scopeId)
      throws GeneralSecurityException {
    return new ScopeKeyset(root.decryptKeyset(encrypted, associatedData(vaultId, scopeId)));
  }

  public byte[] encrypt(RootKey root, byte[] vaultId, byte[] scopeId)
      throws GeneralSecurityException {
    return root.encryptKeyset(handle, associatedData(vaultId, scopeId));
  }

  /** A keyset with one more key, which becomes primary; every earlier key still decrypts. */
  public ScopeKeyset rotate() {
    try {
      KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
      builder.addEntry(
          KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
              .withRandomId()
              .makePrimary());
      return new ScopeKeyset(builder.build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key rotation failed", e);
    }
  }

  /**
   * The union of this keyset and {@code other} (sync, docs/FORMAT.md section 14.2): every key of
   * either, so every record sealed under either stays readable; the primary is {@code other}'s when
   * {@code otherPrimary}, else this one's.
   */
  public ScopeKeyset mergedWith(ScopeKeyset other, boolean otherPrimary) {
    int primaryId = otherPrimary ? other.primaryKeyId() : primaryKeyId();
    try {
      KeysetHandle.Builder builder = KeysetHandle.newBuilder();
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      for (KeysetHandle source : new KeysetHandle[] {handle, other.handle}) {
        for (int i = 0; i < source.size(); i++) {
          KeysetHandle.Entry entry = source.getAt(i);
          if (!seen.add(entry.getId())) {
            continue;
          }
          KeysetHandle.Builder.Entry copy =
              KeysetHandle.importKey(entry.getKey()).withFixedId(entry.getId());
          if (entry.getId() == primaryId) {
            copy.makePrimary();
          }
          builder.addEntry(copy);
        }
      }
      return new ScopeKeyset(builder.build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("merging scope keysets failed", e);
    }
  }

  /** True if {@code other} holds exactly the same key ids with the same primary. */
  public boolean sameKeysAs(ScopeKeyset other) {
    if (other.keyCount() != keyCount() || other.primaryKeyId() != primaryKeyId()) {
      return false;
    }
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    for (int i = 0; i < handle.size(); i++) {
      ids.add(handle.getAt(i).getId());
    }
    for (int i = 0; i < other.handle.size(); i++) {
      if (!ids.contains(other.handle.getAt(i).getId())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every key of this keyset, HPKE-sealed to {@code hpkePublicKeyset} under {@code context}: how a
   * grant hands one scope's keys, and no other key, to an AI provider.
   */
  public byte[] sealTo(byte[] hpkePublicKeyset, byte[] context) throws GeneralSecurityException {
    byte[] plain = TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    try {
      return Hpke.seal(hpkePublicKeyset, plain, context);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * A keyset {@link #sealTo sealed} to {@code hpkePrivateKeyset} under {@code context}.
   *
   * @throws GeneralSecurityException if it was not sealed to this key under this context, or is not
   *     a keyset of AES-256-GCM keys
   */
  public static ScopeKeyset openSealed(
      KeysetHandle hpkePrivateKeyset, byte[] sealed, byte[] context)
      throws GeneralSecurityException {
    byte[] plain = Hpke.open(hpkePrivateKeyset, sealed, context);
    try {
      KeysetHandle handle = TinkProtoKeysetFormat.parseKeyset(plain, InsecureSecretKeyAccess.get());
      for (int i = 0; i < handle.size(); i++) {
        if (!PredefinedAeadParameters.AES256_GCM.equals(handle.getAt(i).getKey().getParameters())) {
          throw new GeneralSecurityException("not a scope keyset");
        }
      }
      return new ScopeKeyset(handle);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  public Aead aead() {
    return aead;
  }

  public int keyCount() {
    return handle.size();
  }

  public int primaryKeyId() {
    return handle.getPrimary().getId();
  }

  @Override
  public String toString() {
    return "ScopeKeyset[keys=" + keyCount() + ", primary=" + primaryKeyId() + "]";
  }

  private static byte[] associatedData(byte[] vaultId, byte[] scopeId) {
    return AssociatedData.labeled("memvault.v1.scope-keyset")
        .bytes(vaultId)
        .bytes(scopeId)
        .encode();
  }
}
