package dev.memvault.sdk.portable.provider.internal;

import com.google.protobuf.Timestamp;
import dev.memvault.core.vault.SourceMatch;
import dev.memvault.core.vault.VaultTransactions;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stores a group of standalone imported memories (what an assistant remembered, one project) in one
 * transaction, all or nothing.
 *
 * <p>Idempotent by the provider's ids ({@code Source.provider} and {@code Source.external_id}): a
 * memory already in the vault is left as it is, unless the export changed the text of one that
 * {@link ImportedMemory#followsExport follows the export}, which gets a new revision. A forgotten
 * memory is not brought back.
 */
public final class MemoryWriter {
  private final VaultTransactions vault;
  private final String provider;
  private final String scope;
  private final String app;

  public MemoryWriter(VaultTransactions vault, String provider, String scope, String app) {
    this.vault = vault;
    this.provider = provider;
    this.scope = scope;
    this.app = app;
  }

  /**
   * What writing one group did.
   *
   * @param instructionsAdded of {@code added}, the {@code INSTRUCTION} memories
   */
  public record Outcome(
      int added, int updated, int unchanged, int forgotten, int instructionsAdded) {}

  /**
   * Writes the group; if anything fails, nothing of it was written.
   *
   * @throws dev.memvault.core.VaultException.InvalidInput if a memory breaks a format rule (a
   *     document longer than the vault's limit)
   */
  public Outcome write(List<ImportedMemory> memories) {
    return vault.write(
        writes -> {
          int added = 0;
          int updated = 0;
          int unchanged = 0;
          int forgotten = 0;
          int instructions = 0;
          for (ImportedMemory memory : memories) {
            Optional<SourceMatch> known = writes.findBySource(provider, memory.externalId());
            if (known.isEmpty()) {
              writes.add(draft(memory));
              added++;
              if (memory.kind() == Kind.INSTRUCTION) {
                instructions++;
              }
            } else if (known.get().forgotten()) {
              forgotten++;
            } else if (memory.followsExport() && changed(writes.get(known.get().id()), memory)) {
              writes.update(
                  known.get().id(),
                  builder ->
                      builder
                          .setText(memory.text())
                          .clearAttributes()
                          .putAllAttributes(memory.attributes()));
              updated++;
            } else {
              unchanged++;
            }
          }
          return new Outcome(added, updated, unchanged, forgotten, instructions);
        });
  }

  private static boolean changed(Memory stored, ImportedMemory memory) {
    return !stored.getText().equals(memory.text())
        || !stored.getAttributesMap().equals(memory.attributes());
  }

  private Memory draft(ImportedMemory memory) {
    Memory.Builder draft =
        Memory.newBuilder()
            .setScope(scope)
            .setKind(memory.kind())
            .setText(memory.text())
            .putAllAttributes(memory.attributes())
            .setSource(
                Source.newBuilder()
                    .setProvider(provider)
                    .setApp(app)
                    .setExternalId(memory.externalId()));
    Instant created = memory.createdAt();
    if (created != null) {
      Instant updated = memory.updatedAt();
      draft.setCreatedAt(timestamp(created));
      draft.setUpdatedAt(
          timestamp(updated == null || updated.isBefore(created) ? created : updated));
    }
    return draft.build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
