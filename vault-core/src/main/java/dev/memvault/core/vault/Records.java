package dev.memvault.core.vault;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.internal.crypto.RecordAddress;
import dev.memvault.core.internal.crypto.RecordCipher;
import dev.memvault.core.internal.crypto.RecordIds;
import dev.memvault.core.internal.store.StoredMemory;
import dev.memvault.core.vault.Scopes.Scope;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Seals memory revisions into record envelopes under their scope's keyset, and opens them again,
 * checking that what decrypts is the revision the caller asked for: the same id, revision and
 * scope, written in this vault. Sealed memories name their scope by the name it was created with;
 * opened ones by the name it has now. Every failure to open is one {@code Corrupt} naming the
 * memory.
 *
 * <p>A new memory's envelopes carry its keyed record id ({@link RecordIds}); a memory first sealed
 * with its UUID as record id (format 1) keeps that form for every later revision, so that all of a
 * memory's revisions stay filed under one record id on a sync server.
 */
final class Records {
  private final byte[] vaultId;
  private final byte[] deviceId;
  private final Scopes openScopes;
  private final RecordIds recordIds;

  Records(byte[] vaultId, byte[] deviceId, Scopes openScopes, RecordIds recordIds) {
    this.vaultId = vaultId;
    this.deviceId = deviceId;
    this.openScopes = openScopes;
    this.recordIds = recordIds;
  }

  /**
   * Seals the first revision of a new memory as written by this device, in the current format.
   * Touches no vault state: safe off-thread.
   */
  RecordEnvelope seal(Scope scope, Memory memory) throws GeneralSecurityException {
    return seal(scope, memory, RecordCipher.FORMAT_VERSION);
  }

  /** Seals a later revision of the memory stored as {@code row}, in the format of its envelope. */
  RecordEnvelope sealNextOf(StoredMemory row, Scope scope, Memory memory)
      throws GeneralSecurityException {
    return seal(scope, memory, parseEnvelope(row.id(), row.envelope()).getFormatVersion());
  }

  private RecordEnvelope seal(Scope scope, Memory memory, int formatVersion)
      throws GeneralSecurityException {
    RecordAddress address =
        new RecordAddress(
            vaultId,
            scope.id(),
            recordId(formatVersion, memory.getId()),
            memory.getRevision(),
            deviceId);
    // A memory carries the name its scope was created with, whatever the scope is called now:
    // every device, also one that does not know of a rename, checks it against the same name.
    Memory sealed =
        memory.getScope().equals(scope.createdName())
            ? memory
            : memory.toBuilder().setScope(scope.createdName()).build();
    return RecordCipher.seal(scope.keyset().aead(), formatVersion, address, sealed.toByteArray());
  }

  /** The record id of memory {@code id} in envelopes of {@code formatVersion}. */
  private byte[] recordId(int formatVersion, String id) {
    UUID uuid = UUID.fromString(id);
    return formatVersion == RecordCipher.UUID_RECORD_ID
        ? RecordIds.uuidBytes(uuid)
        : recordIds.keyed(uuid);
  }

  /**
   * The memory an envelope from another device holds, opened under its scope. The memory's id is
   * read from inside the ciphertext and must give the record id the envelope is filed under, so
   * nothing but a holder of the vault's keys can file a revision under another memory.
   */
  Memory openArriving(Scope scope, RecordEnvelope envelope) {
    byte[] filedUnder = envelope.getRecordId().toByteArray();
    String claimed = "filed as record " + HexFormat.of().formatHex(filedUnder);
    if (!Arrays.equals(scope.id(), envelope.getScopeId().toByteArray())) {
      throw Failures.tampered(claimed);
    }
    Memory memory;
    try {
      memory =
          Memory.parseFrom(
              RecordCipher.open(
                  scope.keyset().aead(), envelope, vaultId, filedUnder, envelope.getRevision()));
      if (!UUID.fromString(memory.getId()).toString().equals(memory.getId())) {
        throw new IllegalArgumentException("not a memory id in canonical form");
      }
    } catch (GeneralSecurityException
        | InvalidProtocolBufferException
        | IllegalArgumentException e) {
      throw Failures.tampered(claimed);
    }
    if (!Arrays.equals(recordId(envelope.getFormatVersion(), memory.getId()), filedUnder)) {
      throw Failures.tampered(claimed);
    }
    requireAddressed(memory, memory.getId(), envelope.getRevision(), scope);
    return named(memory, scope);
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
              recordId(envelope.getFormatVersion(), id),
              revision);
      Memory memory = Memory.parseFrom(plain);
      requireAddressed(memory, id, revision, scope);
      return named(memory, scope);
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw Failures.tampered(id);
    }
  }

  /**
   * What decrypted is the revision it was opened as: its id, revision and scope (by the name the
   * scope was created with, which sealed memories carry).
   */
  private static void requireAddressed(Memory memory, String id, long revision, Scope scope) {
    if (!memory.getId().equals(id)
        || memory.getRevision() != revision
        || !memory.getScope().equals(scope.createdName())) {
      throw Failures.tampered(id);
    }
  }

  /** The memory under the name its scope has now. */
  private static Memory named(Memory memory, Scope scope) {
    return memory.getScope().equals(scope.name())
        ? memory
        : memory.toBuilder().setScope(scope.name()).build();
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
