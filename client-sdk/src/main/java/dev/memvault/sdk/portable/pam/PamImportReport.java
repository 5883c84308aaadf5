package dev.memvault.sdk.portable.pam;

import java.util.List;

/**
 * What a PAM import did. Every memory of the file is counted once: as added, already present,
 * forgotten or retracted; every conversation of its index once: as added, updated, unchanged,
 * forgotten, kept elsewhere or failed.
 *
 * @param memoriesAlreadyPresent memories the vault held already (the same content from the same
 *     platform, or the same memvault memory)
 * @param memoriesForgotten memories left out because they were forgotten in this vault
 * @param memoriesRetracted memories the file marks {@code retracted} (invalidated by the person),
 *     not imported
 * @param relationsKept relations stored as links between memories added by this import
 * @param conversationsElsewhere index entries whose conversation is not a file of the export
 * @param failures conversations that could not be imported; nothing of them was written
 * @param signature what the importer found of the export's optional signature
 */
public record PamImportReport(
    int memoriesRead,
    int memoriesAdded,
    int memoriesAlreadyPresent,
    int memoriesForgotten,
    int memoriesRetracted,
    int relationsKept,
    int conversationsRead,
    int conversationsAdded,
    int conversationsUpdated,
    int conversationsUnchanged,
    int conversationsForgotten,
    int conversationsElsewhere,
    int messagesAdded,
    int messagesAlreadyPresent,
    List<Failure> failures,
    Signature signature) {

  public PamImportReport {
    failures = List.copyOf(failures);
  }

  /**
   * The export's signature (PAM section 18), which an export that does not verify never reaches.
   */
  public enum Signature {
    UNSIGNED,
    /** Ed25519, valid for the public key the export names (which says nothing of who holds it). */
    VERIFIED,
    /** Signed with an algorithm this importer does not check (ES256, RS256, ...). */
    NOT_CHECKED
  }

  /**
   * A conversation that was not imported.
   *
   * @param number its place in the conversations index, from 1
   */
  public record Failure(int number, String conversationId, String reason) {
    /** "conversation 3 (id abc)". */
    public String where() {
      return "conversation " + number + " (id " + conversationId + ")";
    }
  }
}
