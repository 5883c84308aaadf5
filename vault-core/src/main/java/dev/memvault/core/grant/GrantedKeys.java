package dev.memvault.core.grant;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.internal.crypto.GrantSeals;
import dev.memvault.core.internal.crypto.RecordCipher;
import dev.memvault.core.internal.crypto.ScopeKeyset;
import dev.memvault.core.vault.Uuid7;
import dev.memvault.proto.sync.v1.GrantCreated;
import dev.memvault.proto.sync.v1.GrantedScope;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The scope keys a grant sealed to a provider, opened with its {@link ProviderKey}: what opens the
 * memory revisions of the granted scopes, and nothing else. A revision sealed under a key the grant
 * does not hold (written after the grant's keys were rotated) does not open.
 */
public final class GrantedKeys {
  private final byte[] vaultId;
  private final Map<ByteString, ScopeKeyset> scopes;

  private GrantedKeys(byte[] vaultId, Map<ByteString, ScopeKeyset> scopes) {
    this.vaultId = vaultId;
    this.scopes = scopes;
  }

  /**
   * Opens the keysets of {@code grant}, a grant of vault {@code vaultId} the provider verified in
   * the vault's device chain, as sealed at its creation.
   *
   * @throws GeneralSecurityException if one was not sealed to {@code key} for this vault and grant
   */
  public static GrantedKeys open(byte[] vaultId, GrantCreated grant, ProviderKey key)
      throws GeneralSecurityException {
    return open(vaultId, grant.getGrantId().toByteArray(), grant.getScopesList(), key);
  }

  /**
   * Opens the keysets sealed to grant {@code grantId} of vault {@code vaultId}, one per scope (for
   * each, the one sealed last).
   *
   * @throws GeneralSecurityException if one was not sealed to {@code key} for this vault and grant
   */
  public static GrantedKeys open(
      byte[] vaultId, byte[] grantId, List<GrantedScope> sealed, ProviderKey key)
      throws GeneralSecurityException {
    Map<ByteString, ScopeKeyset> scopes = new HashMap<>();
    for (GrantedScope scope : sealed) {
      byte[] context = GrantSeals.scopeContext(vaultId, grantId, scope.getScopeId().toByteArray());
      scopes.put(
          scope.getScopeId(),
          ScopeKeyset.openSealed(
              key.encryptionKeyset(), scope.getSealedKeyset().toByteArray(), context));
    }
    return new GrantedKeys(vaultId.clone(), Map.copyOf(scopes));
  }

  /** Whether {@code scopeId} is a scope of the grant. */
  public boolean grants(ByteString scopeId) {
    return scopes.containsKey(scopeId);
  }

  /**
   * The memory revision {@code envelope} holds, checked to be the one it is filed as: this vault,
   * its record id and revision.
   *
   * @throws GeneralSecurityException if it is not of a granted scope, was altered, or was sealed
   *     under a key the grant does not hold
   */
  public Memory open(RecordEnvelope envelope) throws GeneralSecurityException {
    ScopeKeyset keyset = scopes.get(envelope.getScopeId());
    if (keyset == null) {
      throw new GeneralSecurityException("not a revision of a granted scope");
    }
    byte[] recordId = envelope.getRecordId().toByteArray();
    byte[] plain =
        RecordCipher.open(keyset.aead(), envelope, vaultId, recordId, envelope.getRevision());
    Memory memory;
    try {
      memory = Memory.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw new GeneralSecurityException("not a memory", e);
    }
    UUID id;
    try {
      id = UUID.fromString(memory.getId());
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not a memory id", e);
    }
    // A format-1 record id is the memory's UUID, checked here. A format-2 one is keyed under a key
    // derived from the vault's root key, which a grant does not hold: the id inside the
    // ciphertext is what the provider files the memory under, and only a holder of the scope key
    // could have sealed it there, so a server still cannot file one memory's revision as another's.
    boolean filedUnderItsId =
        envelope.getFormatVersion() != RecordCipher.UUID_RECORD_ID
            || Arrays.equals(Uuid7.toBytes(id), recordId);
    if (!filedUnderItsId || memory.getRevision() != envelope.getRevision()) {
      throw new GeneralSecurityException("a memory filed under another id or revision");
    }
    return memory;
  }

  @Override
  public String toString() {
    return "GrantedKeys[scopes=" + scopes.size() + "]";
  }
}
