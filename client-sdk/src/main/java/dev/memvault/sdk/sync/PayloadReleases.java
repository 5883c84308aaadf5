package dev.memvault.sdk.sync;

import dev.memvault.core.VaultException;
import dev.memvault.core.sync.DroppedPayload;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.protocol.CommittedPayloads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Holds a server to its account of every payload it dropped. A server may drop the payload of an
 * entry only once a later change by a member, about the same record, supersedes it ({@code
 * supersedes_through} at or past the entry); it names that change's seq. Any other drop would let
 * it withhold a change while the hash chain still verifies, so an entry dropped with no such
 * release at the seq the server named is proof that it withheld a change.
 *
 * <p>Entries are seen in log order, only those by members (a revoked device's later changes count
 * for nothing, dropped or not). What is still unexplained travels with the cursor.
 */
final class PayloadReleases {
  private final List<DroppedPayload> awaiting;

  PayloadReleases(List<DroppedPayload> awaiting) {
    this.awaiting = new ArrayList<>(awaiting);
  }

  /**
   * Takes note of one counted entry: what it releases, then whether its own payload was dropped.
   */
  void see(LogEntry entry) {
    Change change = entry.getChange();
    long through = change.getSupersedesThrough();
    if (through != 0) {
      byte[] record = change.getRecordId().toByteArray();
      awaiting.removeIf(
          dropped ->
              Long.compareUnsigned(dropped.seq(), through) <= 0
                  && Arrays.equals(dropped.recordId(), record));
    }
    if (!CommittedPayloads.isDropped(change)) {
      return;
    }
    if (Long.compareUnsigned(entry.getPayloadDroppedBy(), entry.getSeq()) <= 0) {
      throw withheld(entry.getSeq(), "without naming a later change that released it");
    }
    awaiting.add(
        new DroppedPayload(
            entry.getSeq(), change.getRecordId().toByteArray(), entry.getPayloadDroppedBy()));
  }

  /**
   * Checks, once every entry up to {@code seq} was seen, that no dropped payload is still waiting
   * for a release at or before it.
   */
  void checkPassed(long seq) {
    for (DroppedPayload dropped : awaiting) {
      if (Long.compareUnsigned(dropped.droppedBy(), seq) <= 0) {
        throw withheld(
            dropped.seq(),
            "saying entry "
                + Long.toUnsignedString(dropped.droppedBy())
                + " released it, which that entry does not");
      }
    }
  }

  List<DroppedPayload> awaiting() {
    return List.copyOf(awaiting);
  }

  private static VaultException withheld(long seq, String how) {
    return new VaultException.Corrupt(
        "the sync server dropped the change at log entry "
            + Long.toUnsignedString(seq)
            + " "
            + how
            + " (a server that withholds changes); refusing to sync. Nothing on this device was"
            + " changed by it");
  }
}
