package dev.memvault.core.vault;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.internal.crypto.RecordAddress;
import dev.memvault.core.internal.crypto.RecordCipher;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.UUID;

/**
 * Seals memory revisions into record envelopes under their scope's keyset, and opens them again,
 * checking that what decrypts is the revision the caller asked for: the same id, revision and
 * scope, written in this vault. Sealed memories name their scope by the name it was created with;
 * opened ones by the name it has now. Every failure to open is one {@code Corrupt} naming the
 * memory.
 */
final class Records {
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final Scopes openScopes;

  Records(byte[] vaultId, byte[] deviceId, Scopes openScopes) {
    this.vaultId = vaultId;
    this.deviceId = deviceId;
    this.openScopes = openScopes;
  }

  /** Seals {@code memory} as written by this device. Touches no vault state: safe off-thread. */
  RecordEnvelope seal(Scope scope, Memory memory) throws GeneralSecurityException {
    RecordAddress address =
        new RecordAddress(
            vaultId,
            scope.id(),
            Uuid7.toBytes(UUID.fromString(memory.getId())),
            memory.getRevision(),
            deviceId);
    // A memory carries the name its scope was created with, whatever the scope is called now:
    // every device, also one that does not know of a rename, checks it against the same name.
    Memory sealed =
        memory.getScope().equals(scope.createdName())
            ? memory
            : memory.toBuilder().setScope(scope.createdName()).build();
    return RecordCipher.seal(scope.keyset().aead(), address, sealed.toByteArray());
  }

  /** The current revision a stored row holds; a row moved to another scope fails here. */
  Memory open(StoredMemory row) {
    return open(openScopes.byId(row.scopeId()), row.id(), row.revision(), row.envelope());
  }

  Memory open(Scope scope, String id, long revision, byte[] envelopeBytes) {
    return open(scope, id, revision, parseEnvelope(id, envelopeBytes));
  }

  Memory open(Scope scope, String id, long revision, RecordEnvelope envelope) {
    if (!Arrays.equals(scope.id(), envelope.getScopeId().toByteArray())) {
      throw Failures.tampered(id);
    }
    try {
      byte[] plain =
          RecordCipher.open(
              scope.keyset().aead(),
              envelope,
              vaultId,
              Uuid7.toBytes(UUID.fromString(id)),
              revision);
      Memory memory = Memory.parseFrom(plain);
      if (!memory.getId().equals(id)
          || memory.getRevision() != revision
          || !memory.getScope().equals(scope.createdName())) {
        throw Failures.tampered(id);
      }
      return memory.getScope().equals(scope.name())
          ? memory
          : memory.toBuilder().setScope(scope.name()).build();
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw Failures.tampered(id);
    }
  }

  static RecordEnvelope parseEnvelope(String id, byte[] bytes) {
    try {
      return RecordEnvelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw Failures.tampered(id);
    }
  }

  /** The author device id an envelope names (its signer is checked by sync, not here). */
  static byte[] author(String id, byte[] envelopeBytes) {
    return parseEnvelope(id, envelopeBytes).getAuthorDeviceId().toByteArray();
  }
}
